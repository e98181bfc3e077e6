#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Anonymous pages to disk with zswap off: every byte comes back, pages were
# written to the device, and zswap stayed out of it.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
p=$(vmstat pswpout)
pin=$(vmstat pswpin)
z=$(vmstat zswpout)
with_zswap off swap_verify -m anon -s 64 || fail "data verification"
expect_grew pswpout "$p"
expect_grew pswpin "$pin"
expect_same zswpout "$z"
