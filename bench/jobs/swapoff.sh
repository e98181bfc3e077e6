#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One repetition of the swapoff scenario, run in the guest by bench/run,
# which sets these first:
#   DATA   bytes one process writes and pushes out to the disk (zswap off)
#   SIZES  MiB that other processes map and keep resident, one case each
#   ITERS  swapoffs per size in this boot (a fresh DATA process each time)
#
# For each size: start holders of 128 MiB each (benchtool hold -m: every
# one has swapped once, so its mm is on the list 6.12's swapoff walks, as a
# long-running process's would be; none has data on the device); then
# ITERS times: a new process writes DATA, which is pushed out with
# process_madvise(MADV_PAGEOUT), the swap cache is dropped so the data is
# really only on the disk, swapoff(2) is timed, the process checks its data
# (data_bad_pages, not timed), it is killed and swap goes back on.  One
# "RESULT mapped_mib=... iter=..." line per swapoff.
zswap off
dev=$(swap_disks | head -1)
swapon "$dev" || fail "swapon $dev"
cg=/sys/fs/cgroup/data
mkdir $cg
for size in $SIZES; do
	holders=
	n=$((size / 128))
	i=0
	while [ $i -lt $n ]; do
		out=$(benchtool hold -m -s 128M) || fail "benchtool hold"
		holders="$holders ${out%% *}"
		i=$((i + 1))
	done
	holders=$(echo $holders | sed 's/pid=//g')
	for it in $(seq 1 "$ITERS"); do
		out=$(in_cgroup $cg benchtool hold -s "$DATA") || fail "benchtool hold"
		eval "$out"		# pid= addr= len=
		b_pswpout=$(vmstat pswpout)
		benchtool pageout "$pid" "$addr" "$len" >/dev/null || fail "pageout"
		settle
		echo "$len" >$cg/memory.reclaim 2>/dev/null
		settle
		on_disk=$(awk -v d="$dev" '$1 == d { print $4 }' /proc/swaps)
		res="RESULT mapped_mib=$size iter=$it holders=$n"
		res="$res data_swapped_kb=$(proc_kb "$pid" VmSwap) swap_used_kb=$on_disk"
		res="$res swapcached_kb=$(meminfo SwapCached)"
		res="$res pswpout=$(( $(vmstat pswpout) - b_pswpout ))"
		b_pswpin=$(vmstat pswpin)
		sleep 1
		t=$(benchtool swapoff "$dev") || fail "swapoff"
		res="$res $t pswpin=$(( $(vmstat pswpin) - b_pswpin ))"
		res="$res data_swapped_after_kb=$(proc_kb "$pid" VmSwap)"
		# the data must have survived (not part of the timing)
		res="$res data_$(benchtool verify "$pid")"
		echo "$res$(vswap_gauges)"
		kill "$pid"
		gone "$pid"
		swapon "$dev" || fail "swapon $dev again"
	done
	kill $holders 2>/dev/null
	for p in $holders; do gone "$p"; done
done
