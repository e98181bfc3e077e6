#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A read fault keeps the page's swap slot: the folio stays in the swap
# cache, so pushing it out again, unchanged, writes nothing.  swap_verify's
# zero pages are pushed out and read back three times; only the first
# push-out (and whatever fill-time reclaim did before it) may store them.
# 6.12 does this for a device slot; with vswap it holds for the zero-page
# backing too, which a read fault no longer drops (a write fault does).
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
zswap on
zero=$(vmstat swpout_zero)
sv_start -m zero -s 64 -p 3
sv_wait
first=$(( $(vmstat swpout_zero) - zero ))
echo "first push-out: $SV_OUT pages only in swap, $first zero-page stores"
[ "$SV_OUT" -gt 0 ] || fail "none of swap_verify's pages is out"
sv_go
sv_end || fail "data verification"
total=$(( $(vmstat swpout_zero) - zero ))
echo "after 3 push-outs and read-backs: $total zero-page stores"
# Without the slot kept, every read-back page is stored again at each of
# the two later push-outs: about 3 x first in all.
[ "$total" -le $(( first + first / 4 )) ] ||
	fail "$total zero-page stores for $first at the first push-out:" \
		"read-back pages were stored again"
