#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Zero-filled pages: they come back as zeroes and take neither a disk write
# nor a zswap object.  With vswap they are also counted in vswap_zero while
# they are out, and take no device slot at all (SwapFree does not move);
# once swap_verify has exited and its cgroup is gone, the count its parent
# shows for it is back at zero.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
zswap on
cg_parent swap-zero
p=$(vmstat pswpout)
z=$(vmstat zswpout)
zero=$(vmstat swpout_zero)
tz=$(vmstat vswap_to_zero)
free=$(meminfo SwapFree)
has_vswap && echo "before: $(vswap_gauges)"
sv_start -m zero -s 64 -g swap-zero
sv_wait
echo "swap_verify: $SV_OUT pages only in swap, $(vmswap_pages "$SV_PID")" \
	"swap entries (VmSwap)"
[ "$SV_OUT" -gt 0 ] || fail "none of swap_verify's pages is out"
expect_same pswpout "$p"
expect_same zswpout "$z"
if has_vswap; then
	echo "swapped out: $(vswap_gauges)"
	vz=$(vmstat vswap_zero)
	[ "$vz" -ge "$SV_OUT" ] || fail "vswap_zero is $vz with $SV_OUT zero pages out"
	[ "$(cgstat "$SV_CG" vswap_zero)" -gt 0 ] ||
		fail "the cgroup's memory.stat vswap_zero is $(cgstat "$SV_CG" vswap_zero)"
	[ "$(meminfo SwapFree)" -eq "$free" ] ||
		fail "SwapFree moved from $free to $(meminfo SwapFree) kB"
	echo "SwapFree: unchanged at $free kB"
	expect_grew vswap_to_zero "$tz"
else
	echo "SwapFree: $free -> $(meminfo SwapFree) kB (no vswap: zero pages take slots)"
fi
sv_go
sv_end || fail "data verification"
expect_grew swpout_zero "$zero"
expect_same pswpout "$p"
expect_same zswpout "$z"
expect_cg_freed "$CG_PARENT" vswap_zero
