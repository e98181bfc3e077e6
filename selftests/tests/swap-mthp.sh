#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 64 kB mTHP anonymous folios swapped out and back, straight to disk and
# with zswap in front (6.12's zswap stores no large folio, so those still
# reach the disk): every byte comes back, the buffer really was made of
# 64 kB folios, and they reached swap-out as large folios.  The vanilla
# code swaps them out whole on a non-rotational disk; with vswap a split at
# allocation (swpout_fallback) also counts.
. /lib/vtest.sh
need_disks 1
m=/sys/kernel/mm/transparent_hugepage/hugepages-64kB
[ -w "$m/enabled" ] || skip "no 64 kB mTHP in this kernel"
for d in $(swap_disks); do
	[ "$(cat "/sys/block/${d#/dev/}/queue/rotational")" -eq 0 ] ||
		skip "$d is rotational: large folios are split before swap-out"
done
old=$(sed 's/.*\[\(.*\)\].*/\1/' "$m/enabled")
at_exit 'echo "$old" >"$m/enabled"'
echo always >"$m/enabled" || fail "cannot enable 64 kB mTHP"
swap_on_disks 1

st() { cat "$m/stats/$1"; }

run() {
	local alloc out fb
	alloc=$(st anon_fault_alloc) out=$(st swpout) fb=$(st swpout_fallback)
	with_zswap "$1" swap_verify -m anon -s 64 -H ||
		fail "data verification (zswap $1)"
	echo "zswap $1: 64 kB folios allocated $(( $(st anon_fault_alloc) - alloc ))," \
		"swapped out whole $(( $(st swpout) - out )), split at swap-out" \
		"$(( $(st swpout_fallback) - fb ))"
	[ "$(st anon_fault_alloc)" -gt "$alloc" ] ||
		fail "no 64 kB folio was allocated (zswap $1)"
	if has_vswap; then
		[ $(( $(st swpout) + $(st swpout_fallback) )) -gt $((out + fb)) ] ||
			fail "no 64 kB folio reached swap-out (zswap $1)"
	else
		[ "$(st swpout)" -gt "$out" ] ||
			fail "no 64 kB folio was swapped out whole (zswap $1)"
	fi
}
run off
run on
