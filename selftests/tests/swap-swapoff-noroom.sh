#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# swapoff with no room anywhere: one disk, zswap off, and the owner's
# cgroup at its memory.max.  With vswap swapoff stops with an error instead
# of pushing the owner into the OOM killer: the device stays on, still
# holding what did not fit, and every byte verifies afterwards.  Vanilla
# swapoff charges every page to the owner and lets the OOM killer decide,
# so this is vswap-only.
. /lib/vtest.sh
need_vswap "vanilla swapoff OOM-kills the owner when nothing has room"
need_disks 1
swap_off_all
zswap off
at_exit "zswap on; swap_off_all; swap_on_disks"
swap_on_disks 1
a=$(swap_disks | sed -n 1p)
sv_start -m anon -s 96 -l 32 -i
sv_wait
before=$(swap_used_kb)
echo "swap_verify: $SV_OUT pages only in swap; $before kB on $a"
if swapoff "$a"; then
	fail "swapoff of $a succeeded with nowhere to put $before kB"
fi
after=$(swap_used_kb)
echo "swapoff failed as it should; $after kB left on $a; $(vswap_gauges)"
grep -q "^$a " /proc/swaps || fail "$a is no longer on"
[ "$after" -gt 0 ] || fail "$a is empty, yet swapoff failed"
# The device still takes writes.
sv_go
sv_end || fail "data verification after the failed swapoff"
swapoff "$a" || fail "swapoff of $a once swap_verify exited"
