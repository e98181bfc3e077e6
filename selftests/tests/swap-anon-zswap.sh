#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Anonymous pages through zswap (in front of a disk): every byte comes back,
# and zswap really stored pages.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
zswap on
z=$(vmstat zswpout)
zin=$(vmstat zswpin)
swap_verify -m anon -s 64 || fail "data verification"
expect_grew zswpout "$z"
expect_grew zswpin "$zin"
