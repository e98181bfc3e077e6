#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One repetition of the metadata scenario: how much kernel memory the swap
# layer spends per swapped-out page.  bench/run sets first:
#   DATA      bytes to swap out (benchtool's compressible pattern)
#   BACKENDS  which cases to run in this boot, in order: zswap, disk (the
#             pattern, zswap on or off), zero (zero-filled pages, zswap
#             off: both kernels keep them without I/O, vanilla in the
#             device's zeromap, vswap in the descriptor)
#
# Each case starts with swapon of the empty device and ends with swapoff.
# Measured, the same way on both kernels:
#   swapon    free memory (MemFree plus the per-CPU lists), VmallocUsed and
#             live slab before and after swapon: what the kernel allocates
#             by device capacity (a cross-check of the formula that
#             bench/report.py uses)
#   swap-out  a process in a cgroup writes DATA; between "written, resident"
#             and "pushed out with MADV_PAGEOUT, writeback done, swap cache
#             dropped", the change in live slab bytes (every cache of
#             /proc/slabinfo), in VmallocUsed and in every vswap_* gauge of
#             /proc/vmstat.  The data itself (the zswap pool, the device) is
#             not metadata and is reported apart.
# Each snapshot is taken a second after the last process exited, right after
# flushing the per-CPU slabs and vmstat deltas (lib.sh: snapshot).
# One "RESULT case=..." line per case; bench/report.py does the arithmetic.

dev=$(swap_disks | head -1)
slots=$(( $(blockdev --getsize64 "$dev") / 4096 - 1 ))

cg=/sys/fs/cgroup/meta
mkdir $cg
for backend in $BACKENDS; do
	case "$backend" in
	zswap) zswap on; zero= ;;
	disk) zswap off; zero= ;;
	zero) zswap off; zero=-z ;;
	*) fail "unknown backend $backend" ;;
	esac
	# a fresh swapon per case: nothing left from the previous one (swap
	# cache shadow entries, xarray nodes) is reused or counted
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	snapshot /tmp/s0
	swapon "$dev" || fail "swapon $dev"
	sleep 1
	snapshot /tmp/s1
	sw="swapon_memfree_kb=$(( $(snap_get /tmp/s0 MemFree) + $(snap_get /tmp/s0 PcpFree) - $(snap_get /tmp/s1 MemFree) - $(snap_get /tmp/s1 PcpFree) ))"
	sw="$sw swapon_vmalloc_kb=$(( $(snap_get /tmp/s1 VmallocUsed) - $(snap_get /tmp/s0 VmallocUsed) ))"
	sw="$sw swapon_slab_bytes=$(( $(slab_total /tmp/s1) - $(slab_total /tmp/s0) ))"

	out=$(in_cgroup $cg benchtool hold -s "$DATA" $zero) || fail "benchtool hold"
	eval "$out"		# pid= addr= len=
	for k in pswpout zswpout swpout_zero; do eval "b_$k=$(vmstat $k)"; done
	sleep 1
	snapshot /tmp/before
	po=$(benchtool pageout "$pid" "$addr" "$len") || fail "pageout"
	settle
	# drop the swap cache (clean folios left after disk writeback)
	echo "$len" >$cg/memory.reclaim 2>/dev/null
	settle
	res="RESULT case=$backend slots=$slots $sw pages=$((len / 4096)) $po"
	for k in pswpout zswpout swpout_zero; do
		eval "b=\$b_$k"
		res="$res $k=$(( $(vmstat $k) - b ))"
	done
	res="$res swapped_kb=$(proc_kb "$pid" VmSwap) rss_kb=$(proc_kb "$pid" VmRSS)"
	sleep 1
	snapshot /tmp/after
	g() { echo $(( $(snap_get /tmp/after "$1") - $(snap_get /tmp/before "$1") )); }
	res="$res swapcached_kb=$(snap_get /tmp/after SwapCached)"
	res="$res zswap_pool_kb=$(g Zswap) vmalloc_kb=$(g VmallocUsed)"
	res="$res slab_bytes=$(( $(slab_total /tmp/after) - $(slab_total /tmp/before) ))"
	res="$res$(vswap_of /tmp/before before.)$(vswap_of /tmp/after after.)"
	res="$res$(slab_diff /tmp/before /tmp/after 4096)"
	echo "$res"
	kill "$pid"
	gone "$pid"
	swapoff "$dev" || fail "swapoff $dev"
done
