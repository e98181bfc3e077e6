#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Zero-filled pages: they come back as zeroes and take neither a disk write
# nor a zswap object.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
zswap on
p=$(vmstat pswpout)
z=$(vmstat zswpout)
zero=$(vmstat swpout_zero)
swap_verify -m zero -s 64 || fail "data verification"
expect_grew swpout_zero "$zero"
expect_same pswpout "$p"
expect_same zswpout "$z"
