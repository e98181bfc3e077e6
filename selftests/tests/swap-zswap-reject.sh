#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Pages zswap cannot compress: zswap rejects them and they go to the disk
# behind it; every byte comes back.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
zswap on
p=$(vmstat pswpout)
swap_verify -m anon -s 48 -i || fail "data verification"
expect_grew pswpout "$p"
