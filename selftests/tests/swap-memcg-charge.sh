#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The swap charge follows the slots.  While swap_verify's pages are out,
# its cgroup's memory.swap.current covers every one of them; once it has
# exited, its parent's is back at 0 (with vswap exactly, once the CPUs'
# free batches are finished; without, within what the per-CPU swap slot
# caches may hold).  A memory.swap.max below what is pushed out holds:
# memory.swap.peak stays at or below it, memory.swap.events counts the
# "max" and "fail" of the refused charges, the data reads back, and
# nothing stays charged after exit either.  With vswap, a slot the
# virtual space cannot give (vswap.max_pages) is counted as a "fail"
# without "max", and leaves no charge behind.
#
# The refusals are forced with MADV_PAGEOUT under a memory.max that the
# buffer fits in (swap_verify -l 64): reclaim under memory.max would not
# do, since it stops scanning anonymous memory once the cgroup's swap is
# full, so whether a charge is ever refused would be up to its batches.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
zswap off
cg_parent swap-memcg-charge
cgmax=/sys/fs/cgroup/swap-memcg-max
cgvs=/sys/fs/cgroup/swap-memcg-vswap
k=/sys/module/vswap/parameters/max_pages
slack=$(( $(slot_cache_slack_kb) * 1024 ))	# bytes
orig=

cleanup() {
	sv_kill
	rmdir "$cgmax"/* "$cgmax" "$cgvs"/* "$cgvs" 2>/dev/null
	[ -z "$orig" ] || echo "$orig" >"$k"
}
at_exit cleanup

# swap_uncharged CGROUP: CGROUP's memory.swap.current is 0; reading
# /proc/vmstat first finishes the frees waiting in the CPUs' batches
swap_uncharged() {
	cat /proc/vmstat >/dev/null
	[ "$(cat "$1/memory.swap.current")" -eq 0 ]
}

# settled CGROUP WHAT: wait up to 5 s for CGROUP's memory.swap.current to
# drop to 0 (vswap) or the slack, reclaiming what the swap cache holds
settled() {
	local cur

	reclaim_until "$1" 50 swap_uncharged "$1"
	cur=$(cat "$1/memory.swap.current")
	echo "$2: memory.swap.current of $1 is $cur bytes (after $WAITED)"
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

# ev CGROUP KEY: KEY of CGROUP's memory.swap.events
ev() { awk -v k="$2" '$1 == k { print $2 }' "$1/memory.swap.events"; }

# mkcg CGROUP: a cgroup whose children get the memory controller
mkcg() {
	mkdir "$1" || fail "mkdir $1"
	echo +memory >"$1/cgroup.subtree_control" || fail "no memory controller"
}

# push_out CGROUP WHAT: swap_verify's 32 MiB in a child of CGROUP, with
# room for all of it in memory, pushed out by MADV_PAGEOUT; the data must
# read back, some of it must have been swapped and some charges refused.
# Sets PEAK, CGROUP's memory.swap.peak.
push_out() {
	local rc
	swap_verify -g "${1##*/}" -s 32 -l 64 -m anon -i
	rc=$?
	PEAK=$(cat "$1/memory.swap.peak")
	echo "with $2: swap_verify exit $rc, swap.peak $PEAK," \
		"events max $(ev "$1" max) fail $(ev "$1" fail)"
	[ "$rc" -eq 0 ] || fail "swap_verify with $2: exit $rc"
	[ "$PEAK" -gt 0 ] || fail "nothing was swapped out with $2"
	[ "$(ev "$1" fail)" -gt 0 ] || fail "no memory.swap.events fail with $2"
}

# 4 MiB of swap for 32 MiB pushed out
mkcg "$cgmax"
echo 4M >"$cgmax/memory.swap.max" || fail "cannot set memory.swap.max"
push_out "$cgmax" "memory.swap.max 4M"
[ "$PEAK" -le $((4 << 20)) ] || fail "memory.swap.peak $PEAK above 4M"
[ "$(ev "$cgmax" max)" -gt 0 ] || fail "no memory.swap.events max"
settled "$cgmax" "after exit under memory.swap.max"

# The virtual space full: 1024 slots more than are live, for 32 MiB.
has_vswap || exit 0
orig=$(cat "$k")
bound=$(( $(vswap_live) + 1024 ))
echo "$bound" >"$k" || fail "cannot set max_pages to $bound"
mkcg "$cgvs"
push_out "$cgvs" "max_pages $bound"
[ "$PEAK" -le $((1024 * 4096)) ] ||
	fail "memory.swap.peak $PEAK above the 1024 slots left"
[ "$(ev "$cgvs" max)" -eq 0 ] ||
	fail "memory.swap.events max without memory.swap.max"
settled "$cgvs" "after exit under the max_pages bound"
