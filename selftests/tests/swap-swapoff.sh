#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# swapoff of a device that holds a process's data: swapoff succeeds, the
# device ends up empty, and every byte verifies afterwards.  Under vswap
# this goes through the device's reverse map (no page-table walk); the
# process's page tables keep their virtual entries, and the data is back in
# memory (vswap_phys drops to 0).
. /lib/vtest.sh
need_disks 1
swap_off_all
swap_on_disks 1
zswap off
at_exit "zswap on; swap_off_all; swap_on_disks"
dev=$(swap_disks | head -n 1)
sv_start -m anon -s 64 -i
sv_wait
used=$(swap_used_kb)
echo "swap_verify: $SV_OUT pages only in swap; $used kB used on $dev"
[ "$used" -gt 0 ] || fail "nothing on $dev"
has_vswap && echo "before swapoff: $(vswap_gauges)"
# The data comes back into the cgroup: lift its limit first, as an admin
# would (with no other swap space the pages have nowhere else to go).
echo max >"$SV_CG/memory.max"
t0=$(date +%s)
swapoff "$dev" || fail "swapoff $dev"
echo "swapoff took about $(( $(date +%s) - t0 )) s"
[ "$(swap_used_kb)" -eq 0 ] || fail "swap still in use: $(cat /proc/swaps)"
if has_vswap; then
	echo "after swapoff: $(vswap_gauges)"
	[ "$(vmstat vswap_phys)" -eq 0 ] ||
		fail "vswap_phys is $(vmstat vswap_phys) with no device on"
	# swap_verify's pages still name their virtual slots (VmSwap).
	[ "$(vmswap_pages "$SV_PID")" -gt 0 ] ||
		fail "no swap entries left in swap_verify's page tables"
fi
sv_go
sv_end || fail "data verification after swapoff"
