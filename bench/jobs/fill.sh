#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One repetition of the fill scenario (usemem-style), run in the guest by
# bench/run, which sets these first:
#   BACKEND    zswap (zswap in front of a disk), disk (zswap off) or mixed
#              (zswap in front of a disk, memory.zswap.max=ZSWAP_MAX)
#   PROCS      processes
#   SIZE       bytes each process writes and reads back
#   LIMIT      memory.max of their cgroup (PROCS x SIZE is about 2.5x it)
#   ZSWAP_MAX  memory.zswap.max for the mixed backend
# benchtool fill does the work and the timing; see bench/benchtool.c.
swap_on_disks 1
cg=/sys/fs/cgroup/bench
mkdir $cg
echo "$LIMIT" >$cg/memory.max
case "$BACKEND" in
zswap) zswap on ;;
disk) zswap off ;;
mixed) zswap on; echo "$ZSWAP_MAX" >$cg/memory.zswap.max ;;
*) echo "unknown BACKEND '$BACKEND'"; exit 1 ;;
esac
# The swap traffic, and what reclaim and the faults did to produce it.
keys="pswpout pswpin zswpout zswpin zswpwb swpout_zero swpin_zero
	pgscan_direct pgscan_kswapd pgsteal_direct pgsteal_kswapd pgactivate
	pgdeactivate pgrefill workingset_refault_anon pgfault pgmajfault"
for k in $keys; do eval "b_$k=$(vmstat $k)"; done
out=$(in_cgroup $cg benchtool fill -p "$PROCS" -s "$SIZE") || {
	echo "$out"
	fail "benchtool fill"
}
res="RESULT $out"
for k in $keys; do
	eval "b=\$b_$k"
	res="$res $k=$(( $(vmstat $k) - b ))"
done
peak=$(cat $cg/memory.peak 2>/dev/null || echo -1)
echo "$res memory_peak=$peak$(vswap_gauges)"
