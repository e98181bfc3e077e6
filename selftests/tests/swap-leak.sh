#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# No swap slot outlives the processes that used it.  Workloads of every kind
# (zswap, disk, zero pages, shmem, fork, processes killed with their pages
# out or while reading them back, a swapoff under a paused process) run in
# one parent cgroup; once they have all exited, the vswap gauges (live
# virtual slots on every backend) must be back to 0 within 10 seconds,
# with reclaim of that cgroup pushing out whatever swap cache is left.  The
# tests before this one must have left no live slot either.  Without vswap
# the same is checked on the devices: /proc/swaps "Used" falls back to what
# the per-CPU swap slot caches may hold.
. /lib/vtest.sh
need_disks 2
cg=/sys/fs/cgroup/swap-leak
slack=$(slot_cache_slack_kb)

cleanup() {
	sv_kill
	for c in "$cg"/*/; do [ -d "$c" ] && rmdir "$c"; done
	rmdir "$cg" 2>/dev/null
}
at_exit cleanup

# settled: nothing is left (vswap: no live slot; otherwise: Used <= slack)
settled() {
	if has_vswap; then
		[ "$(vswap_live)" -eq 0 ]
	else
		[ "$(swap_used_kb)" -le "$slack" ]
	fi
}

# settle WHEN: wait up to 10 s for settled, reclaiming from $cg meanwhile
settle() {
	local rc=0
	reclaim_until "$cg" 100 settled || rc=1
	if has_vswap; then
		echo "$1, after $WAITED: $(vswap_gauges)"
	else
		echo "$1, after $WAITED: $(swap_used_kb) kB used on the devices"
	fi
	return $rc
}

if has_vswap; then
	settle "before" || fail "the tests before left $(vswap_live) live virtual slots"
fi

cg_parent swap-leak
swap_on_disks
zswap on
sv() { swap_verify -g swap-leak -s 32 "$@" || fail "swap_verify $*"; }
sv -m anon
sv -m anon -i
sv -m zero
sv -m shmem
sv -m fork
with_zswap off sv -m anon

# Killed with its pages out (zswap and disk)
for i in "" -i; do
	sv_start -g swap-leak -s 32 -m anon $i
	sv_wait
	echo "killing swap_verify with $SV_OUT pages out"
	kill -9 "$SV_PID"
	sv_end
done

# Killed while it reads its pages back (swap-ins and readahead in flight)
swap_verify -g swap-leak -s 32 -m anon -i -t 30 &
pid=$!
sleep 3
kill -9 $pid
wait $pid

# A swapoff of the disk holding the pages of a paused process: they move
# to the other disk or zswap, and are freed from there
swap_off_all
swap_on_disks 1
sv_start -g swap-leak -s 32 -m anon -i
sv_wait
d2=$(swap_disks | sed -n 2p)
swapon "$d2" || fail "swapon $d2"
swapoff "$(swap_disks | head -1)" || fail "swapoff with pages on the device"
sv_go
sv_end || fail "data verification across swapoff"

for c in "$cg"/*/; do [ -d "$c" ] && rmdir "$c"; done
settle "all exited" || {
	has_vswap && fail "$(vswap_live) live virtual slots with no process left"
	fail "$(swap_used_kb) kB used on the devices with no process left"
}
swap_off_all
zswap on
if has_vswap; then
	settle "after swapoff" || fail "$(vswap_live) live virtual slots after swapoff"
	# A gauge below 0 reads as 0; the refresh reports it
	neg=$(dmesg | grep 'vmstat_refresh: vswap_')
	[ -z "$neg" ] || fail "a vswap gauge went negative: $neg"
fi
