#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The 'make run' job: swap on the first disk with zswap in front of it, a
# cgroup with memory.max well below what stress-ng --pageswap touches, a
# short run, and a report of where the pages went.
. /lib/vtest.sh
LIMIT=${LIMIT:-48M}
SECS=${SECS:-20}
WORKERS=${WORKERS:-2}

swap_on_disks 1
zswap on
cg=/sys/fs/cgroup/demo
mkdir -p $cg
echo "$LIMIT" >$cg/memory.max

keys="pswpout pswpin zswpout zswpin zswpwb swpout_zero swpin_zero"
for k in $keys $(awk '/^vswap_/ { print $1 }' /proc/vmstat); do
	eval "before_$k=$(vmstat $k)"
done

echo "== kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print $2 / 1024 " MiB" }' /proc/meminfo) RAM"
echo "== swap devices"
cat /proc/swaps
echo "== stress-ng --pageswap $WORKERS for ${SECS}s in a cgroup with memory.max=$LIMIT"
{
	sh -c "echo \$\$ >$cg/cgroup.procs; exec stress-ng --pageswap $WORKERS \
		--timeout ${SECS}s --metrics-brief"
	echo $? >/tmp/rc
} 2>&1 | sed -n 's/^stress-ng: [a-z]*: *\[[0-9]*\] //p'
rc=$(cat /tmp/rc)

echo "== what happened (deltas in /proc/vmstat)"
for k in $keys $(awk '/^vswap_/ { print $1 }' /proc/vmstat); do
	eval "b=\${before_$k:-0}"
	printf '  %-24s %10d\n' "$k" $(( $(vmstat $k) - b ))
done
echo "== the cgroup at the end"
for k in memory.peak memory.swap.peak memory.zswap.current; do
	[ -f $cg/$k ] && printf '  %-24s %10s\n' "$k" "$(cat $cg/$k)"
done
grep -E '^(zswap|zswapped|swpin|swpout)' $cg/memory.stat 2>/dev/null | sed 's/^/  /'
echo "== zswap pool (debugfs)"
for f in stored_pages pool_total_size written_back_pages reject_compress_fail; do
	[ -f /sys/kernel/debug/zswap/$f ] &&
		printf '  %-24s %10s\n' "$f" "$(cat /sys/kernel/debug/zswap/$f)"
done
echo "== /proc/swaps after the run"
cat /proc/swaps
rmdir $cg 2>/dev/null
exit $rc
