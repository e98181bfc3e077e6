#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shmem pages swapped in by two tasks at once while a third pushes them out
# again.  With virtual swap, a shmem slot in zswap or a zero page is read
# straight into a new folio without the swap cache; the loser of such a
# race must take the swap cache path and find the winner's folio.  The
# cgroup has room for the buffer: MADV_PAGEOUT does the pushing (with the
# buffer twice memory.max, three tasks faulting it get a memcg OOM on 6.12
# itself).
. /lib/vtest.sh
need_disks 1
swap_on_disks 1
with_zswap on swap_verify -m shmem-race -s 32 -l 64 -p 8 ||
	fail "data verification (zswap)"
with_zswap off swap_verify -m shmem-race -s 32 -l 64 -p 3 ||
	fail "data verification (disk)"
