#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Swapped pages shared by fork: the child reads and rewrites them, the parent
# keeps its own data.  Once through zswap, once straight to disk.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
with_zswap on swap_verify -m fork -s 48 || fail "data verification (zswap)"
with_zswap off swap_verify -m fork -s 48 || fail "data verification (disk)"
