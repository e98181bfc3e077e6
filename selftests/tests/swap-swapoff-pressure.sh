#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# swapoff of a device holding more data than there is free memory, with a
# second device: a memory hog that cannot swap leaves less free memory than
# the data on the first disk.  swapoff must succeed and the data verify;
# the data that did not fit in memory ends up on the second disk.
. /lib/vtest.sh
need_disks 2
swap_off_all
zswap off
hog=/sys/fs/cgroup/hog
hogpid=
at_exit 'zswap on; swap_off_all; swap_on_disks; stop_hog; rmdir $hog'
stop_hog() {
	[ -n "$hogpid" ] || return 0
	kill "$hogpid" 2>/dev/null
	wait "$hogpid" 2>/dev/null
	hogpid=
}
swap_on_disks 2
a=$(swap_disks | sed -n 1p)
b=$(swap_disks | sed -n 2p)
sv_start -m anon -s 192 -l 32 -i
sv_wait
echo "swap_verify: $SV_OUT pages only in swap"
mkdir -p "$hog"
echo 0 >"$hog/memory.swap.max"
avail=$(meminfo MemAvailable)
size=$(( avail / 1024 - 64 ))
echo "MemAvailable $avail kB: a hog of $size MiB that cannot swap"
sh -c "echo \$\$ >$hog/cgroup.procs; exec stress-ng --vm 1 --vm-bytes ${size}M \
	--vm-keep --vm-hang 0 --timeout 300" >/dev/null 2>&1 &
hogpid=$!
i=0
while [ "$(cat "$hog/memory.current")" -lt $(( size * 1024 * 1024 * 9 / 10 )) ]; do
	i=$((i + 1))
	[ "$i" -lt 300 ] || fail "the hog did not get its memory"
	sleep 0.1
done
used_a=$(awk -v d="$a" '$1 == d { print $4 }' /proc/swaps)
echo "hog at $(( $(cat "$hog/memory.current") >> 20 )) MiB; MemAvailable" \
	"$(meminfo MemAvailable) kB; $used_a kB on $a"
[ "$used_a" -gt "$(meminfo MemAvailable)" ] ||
	fail "the data on $a ($used_a kB) fits in free memory: no pressure"
has_vswap && echo "before swapoff: $(vswap_gauges)"
swapoff "$a" || fail "swapoff $a with $used_a kB on it"
used_b=$(awk -v d="$b" '$1 == d { print $4 }' /proc/swaps)
echo "after swapoff: $used_b kB on $b"
has_vswap && echo "after swapoff: $(vswap_gauges)"
[ "$used_b" -gt 0 ] || fail "nothing moved to $b"
stop_hog
sv_go
sv_end || fail "data verification after swapoff"
