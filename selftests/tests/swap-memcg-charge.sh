#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The swap charge follows the slots.  While swap_verify's pages are out,
# its cgroup's memory.swap.current covers every one of them; once it has
# exited, its parent's is back at 0 (with vswap exactly, once the CPUs'
# free batches are finished; without, within what the per-CPU swap slot
# caches may hold).  A memory.swap.max below what would be swapped holds:
# memory.swap.peak stays at or below it, memory.swap.events counts the
# "max" and "fail" of the refused charges, and nothing stays charged
# after exit either.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
zswap off
cg_parent swap-memcg-charge
cgmax=/sys/fs/cgroup/swap-memcg-max
slack=$(( $(slot_cache_slack_kb) * 1024 ))	# bytes

cleanup() {
	sv_kill
	rmdir "$cgmax"/* "$cgmax" 2>/dev/null
}
at_exit cleanup

# settled CGROUP WHAT: wait up to 5 s for CGROUP's memory.swap.current to
# drop to 0 (vswap) or the slack, reclaiming what the swap cache holds;
# reading /proc/vmstat finishes the frees waiting in the CPUs' batches
settled() {
	local cur i=0
	while :; do
		cat /proc/vmstat >/dev/null
		cur=$(cat "$1/memory.swap.current")
		[ "$cur" -eq 0 ] || [ "$i" -ge 50 ] && break
		echo 1G >"$1/memory.reclaim" 2>/dev/null
		sleep 0.1
		i=$((i + 1))
	done
	echo "$2: memory.swap.current of $1 is $cur bytes (after $((i * 100)) ms)"
	if has_vswap; then
		[ "$cur" -eq 0 ] || fail "$cur bytes of swap still charged $2"
	else
		[ "$cur" -le "$slack" ] ||
			fail "$cur bytes of swap still charged $2 (slack $slack)"
	fi
}

sv_start -g swap-memcg-charge -s 32 -m anon -i
sv_wait
cur=$(cat "$SV_CG/memory.swap.current")
echo "pages only in swap: $SV_OUT; memory.swap.current: $cur bytes"
[ "$SV_OUT" -gt 0 ] || fail "nothing was swapped out"
[ "$cur" -ge $((SV_OUT * 4096)) ] ||
	fail "memory.swap.current $cur bytes < $SV_OUT pages out"
sv_go
sv_end || fail "swap_verify"
settled "$CG_PARENT" "after exit"

# 4 MiB of swap for 32 MiB: swap_verify fails or is OOM-killed; what
# counts is that the limit held and the refusals were counted.
mkdir "$cgmax" || fail "mkdir $cgmax"
echo +memory >"$cgmax/cgroup.subtree_control" || fail "no memory controller"
echo 4M >"$cgmax/memory.swap.max" || fail "cannot set memory.swap.max"
swap_verify -g swap-memcg-max -s 32 -m anon -i
rc=$?
ev() { awk -v k="$1" '$1 == k { print $2 }' "$cgmax/memory.swap.events"; }
peak=$(cat "$cgmax/memory.swap.peak")
echo "with memory.swap.max 4M: swap_verify exit $rc, swap.peak $peak," \
	"events max $(ev max) fail $(ev fail)"
[ "$peak" -le $((4 << 20)) ] || fail "memory.swap.peak $peak above 4M"
[ "$peak" -gt 0 ] || fail "nothing was swapped out under memory.swap.max"
[ "$(ev max)" -gt 0 ] || fail "no memory.swap.events max"
[ "$(ev fail)" -gt 0 ] || fail "no memory.swap.events fail"
settled "$cgmax" "after exit under memory.swap.max"
