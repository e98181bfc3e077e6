#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# swapoff interrupted by a signal (SIGTERM: a background job of a
# non-interactive shell ignores SIGINT): with vswap it stops, the device
# stays on, and a second swapoff succeeds; vanilla may notice the signal
# only at the end.  Either way nothing is lost.
. /lib/vtest.sh
need_disks 1
swap_off_all
zswap off
at_exit "zswap on; swap_off_all; swap_on_disks"
swap_on_disks 1
a=$(swap_disks | sed -n 1p)
sv_start -m anon -s 384 -l 32 -i
sv_wait
echo max >"$SV_CG/memory.max"
echo "swap_verify: $SV_OUT pages only in swap; $(swap_used_kb) kB on $a"
swapoff "$a" &
pid=$!
sleep 0.1
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
[ "$rc" -ne 0 ] || skip "swapoff finished within 0.1 s, before the signal"
echo "swapoff interrupted (status $rc); $(swap_used_kb) kB left on $a"
if grep -q "^$a " /proc/swaps; then
	has_vswap && echo "after the interrupted swapoff: $(vswap_gauges)"
	swapoff "$a" || fail "second swapoff of $a"
elif has_vswap; then
	# vswap checks for signals after every batch of 128 slots.
	fail "swapoff went on to the end despite the signal"
else
	echo "vanilla swapoff finished before it noticed the signal"
fi
sv_go
sv_end || fail "data verification after the interrupted swapoff"
