#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# swapoff while the owner keeps reading, checking and rewriting its data:
# two disks, the first (higher priority) holds the data, swapoff of it runs
# while swap_verify verifies in a loop.  swapoff must succeed and every
# byte must verify, during and after.  With vswap the slots move without a
# page-table walk, to memory or, as the owner's cgroup is at its limit, to
# the second disk.
. /lib/vtest.sh
need_disks 2
swap_off_all
zswap off
at_exit "zswap on; swap_off_all; swap_on_disks"
swap_on_disks 2
a=$(swap_disks | sed -n 1p)
sv_start -m anon -s 64 -i -t 10 -R
sv_wait
echo "swap_verify: $SV_OUT pages only in swap"
grep "^$a " /proc/swaps
sv_go
sleep 1
sv_running || fail "swap_verify ended before swapoff"
swapoff "$a" || fail "swapoff $a while swap_verify runs"
echo "swapoff $a done while swap_verify ran"
grep -q "^$a " /proc/swaps && fail "$a still on after swapoff"
has_vswap && echo "after swapoff: $(vswap_gauges)"
sv_wait after
sv_go
sv_end || fail "data verification during and after swapoff"
