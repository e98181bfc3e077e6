#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Read faults keep their virtual slots in the swap cache, but not at the
# price of the virtual space: once half of it is in use, read faults free
# their slots again.  zswap alone, vswap.max_pages a little above what
# swap_verify's buffer needs out at once (12288 of its 20480 pages under
# memory.max), so that its resident pages and the pages out could not all
# hold a slot at the same time: the data must still come back, three
# times, and the live slots stay within the bound.
. /lib/vtest.sh
need_vswap "the bound on the virtual space is vswap's"
k=/sys/module/vswap/parameters/max_pages
orig=$(cat "$k")
swap_off_all
at_exit "echo $orig >$k; swap_on_disks"
zswap on
bound=16384
echo "$bound" >"$k" || fail "cannot set max_pages to $bound"
z=$(vmstat zswpout)
sv_start -m anon -s 80 -l 32 -p 3
sv_wait
echo "first push-out: $SV_OUT pages only in swap, $(vswap_live) live slots"
[ "$SV_OUT" -gt 0 ] || fail "none of swap_verify's pages is out"
[ "$(vswap_live)" -le "$bound" ] || fail "$(vswap_live) live slots, bound $bound"
sv_go
sv_end || fail "data verification with max_pages $bound"
expect_grew zswpout "$z"
echo "after: $(vswap_gauges)"
