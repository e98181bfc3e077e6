#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# zswap with no swap device at all, which only vswap allows: anonymous pages
# still swap out, into zswap alone, and every byte comes back.  No device is
# written or counted (SwapTotal stays 0).  While the pages are out the vswap
# gauges see them in zswap, globally and in the cgroup's memory.stat, and
# the descriptor memory per swapped page is printed.
. /lib/vtest.sh
need_vswap "zswap cannot store without a swap device behind it"
swap_off_all
zswap on
[ "$(meminfo SwapTotal)" -eq 0 ] || fail "SwapTotal $(meminfo SwapTotal) kB with no device"
p=$(vmstat pswpout)
z=$(vmstat zswpout)
tz=$(vmstat vswap_to_zswap)
live0=$(vswap_live)
desc0=$(vmstat vswap_desc_bytes)
echo "before: $(vswap_gauges)"

sv_start -m anon -s 64
sv_wait
n=$(vmswap_pages "$SV_PID")
live=$(vswap_live)
zs=$(vmstat vswap_zswap)
cgzs=$(cgstat "$SV_CG" vswap_zswap)
desc=$(vmstat vswap_desc_bytes)
echo "swapped out: $(vswap_gauges)"
echo "swap_verify: $SV_OUT pages only in swap, $n swap entries (VmSwap);" \
	"cgroup vswap_zswap $cgzs"
[ "$SV_OUT" -gt 0 ] || fail "none of swap_verify's pages is out"
# With no device, a page that is out and not in the swap cache is in zswap
[ "$zs" -ge "$SV_OUT" ] || fail "vswap_zswap is $zs with $SV_OUT pages in zswap"
[ "$live" -ge "$SV_OUT" ] || fail "$live live virtual slots for $SV_OUT pages out"
[ "$cgzs" -gt 0 ] || fail "the cgroup's memory.stat vswap_zswap is $cgzs"
[ "$(meminfo SwapTotal)" -eq 0 ] && [ "$(meminfo SwapFree)" -eq 0 ] ||
	fail "meminfo counts a device: SwapTotal $(meminfo SwapTotal) kB, SwapFree $(meminfo SwapFree) kB"
expect_grew zswpout "$z"
expect_same pswpout "$p"
[ "$desc" -gt 0 ] || fail "vswap_desc_bytes is $desc with $live live slots"
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
echo "descriptor memory: $desc bytes for $live live slots ($SV_OUT of" \
	"them swap_verify's pages in zswap) = $(per "$desc" "$live") bytes per slot"
if [ "$live" -gt "$live0" ]; then
	echo "descriptor memory added by this run: $((desc - desc0)) bytes for" \
		"$((live - live0)) more slots = $(per $((desc - desc0)) \
		$((live - live0))) bytes per slot"
fi
sv_go
sv_end || fail "data verification"
expect_grew zswpout "$z"
expect_same pswpout "$p"
expect_grew vswap_to_zswap "$tz"
swap_on_disks
