#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One repetition of the pageswap scenario, run in the guest by bench/run,
# which sets these first:
#   BACKEND    zswap  zswap in front of a disk; the pages stay in zswap
#              disk   zswap off
#              ramdisk  zswap off, swap on /dev/ram0 (brd) instead of the
#                     virtio disk: the disk path with no host I/O under it
#              mixed  zswap in front of a disk, the cgroup's memory.zswap.max
#                     at ZSWAP_MAX: once over it, every store first writes an
#                     older zswap entry back to the disk (zswpwb)
#   WORKERS    stress-ng --pageswap workers
#   OPS        bogo operations to run (a fixed amount of work)
#   LIMIT      memory.max of the cgroup the workers run in
#   ZSWAP_MAX  memory.zswap.max for the mixed backend
#   PAGE_CLUSTER  vm.page-cluster, if not empty
# It prints one line "RESULT key=value ..." that bench/run parses.
if [ "$BACKEND" = ramdisk ]; then
	[ -b /dev/ram0 ] || fail "no /dev/ram0 (CONFIG_BLK_DEV_RAM)"
	mkswap /dev/ram0 >/dev/null && swapon /dev/ram0 || fail "swapon /dev/ram0"
	swapdev=/dev/ram0
else
	swap_on_disks 1
	swapdev=$(swap_disks | head -n 1)
fi
[ -z "$PAGE_CLUSTER" ] || echo "$PAGE_CLUSTER" >/proc/sys/vm/page-cluster
cg=/sys/fs/cgroup/bench
mkdir $cg
echo "$LIMIT" >$cg/memory.max
case "$BACKEND" in
zswap) zswap on ;;
disk|ramdisk) zswap off ;;
mixed) zswap on; echo "$ZSWAP_MAX" >$cg/memory.zswap.max ;;
*) echo "unknown BACKEND '$BACKEND'"; exit 1 ;;
esac
keys="pswpout pswpin zswpout zswpin zswpwb swpout_zero pgfault pgmajfault swap_ra swap_ra_hit pgactivate pgrefill workingset_refault_anon"
for k in $keys; do eval "b_$k=$(vmstat $k)"; done
# The swap disk's requests and merges (/sys/block/X/stat: fields 1, 2, 5, 6)
dstat=/sys/block/$(basename "$swapdev")/stat
set -- $(cat "$dstat")
b_rio=$1 b_rmerge=$2 b_wio=$5 b_wmerge=$6
irq_counts >/tmp/irq0
{
	in_cgroup $cg stress-ng --pageswap "$WORKERS" --pageswap-ops "$OPS" \
		--metrics-brief
	echo $? >/tmp/rc
} >/tmp/out 2>&1
rc=$(cat /tmp/rc)
cat /tmp/out
[ "$rc" -eq 0 ] || exit 1
# stress-ng's metrics line: name, bogo ops, real, usr, sys, ops/s, ops/s
line=$(grep -E 'metrc: \[[0-9]+\] pageswap +[0-9]+ +[0-9.]+ ' /tmp/out |
	head -1 | sed 's/.*pageswap//')
set -- $line
res="RESULT ops=$1 real=$2 usr=$3 sys=$4 ops_per_s=$5"
for k in $keys; do
	eval "b=\$b_$k"
	res="$res $k=$(( $(vmstat $k) - b ))"
done
set -- $(cat "$dstat")
res="$res disk_rio=$(($1 - b_rio)) disk_rmerge=$(($2 - b_rmerge))"
res="$res disk_wio=$(($5 - b_wio)) disk_wmerge=$(($6 - b_wmerge))"
# Workers the cgroup's OOM killer took: stress-ng starts them again, but
# a killed worker's pages are never read back, so the work varies with it
res="$res oom_kill=$(awk '$1 == "oom_kill" { print $2 }' $cg/memory.events)"
echo "$res$(irq_diff /tmp/irq0)$(vswap_gauges)"
