#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Anonymous pages to disk with zswap off: every byte comes back, pages were
# written to the device, and zswap stayed out of it.  With vswap, the
# device-backed count (vswap_phys) of swap_verify's cgroup is back at zero
# once it has exited.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
cg_parent swap-anon-disk
p=$(vmstat pswpout)
pin=$(vmstat pswpin)
z=$(vmstat zswpout)
with_zswap off swap_verify -m anon -s 64 -g swap-anon-disk ||
	fail "data verification"
expect_grew pswpout "$p"
expect_grew pswpin "$pin"
expect_same zswpout "$z"
expect_cg_freed "$CG_PARENT" vswap_phys
