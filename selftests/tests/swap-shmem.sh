#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shmem (MAP_SHARED anonymous) pages through zswap and disk.
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
with_zswap on swap_verify -m shmem -s 64 || fail "data verification (zswap)"
with_zswap off swap_verify -m shmem -s 64 || fail "data verification (disk)"
