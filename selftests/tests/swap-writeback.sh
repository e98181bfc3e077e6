#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# zswap writeback under a reader: pages go to zswap (in front of a disk),
# then the zswap shrinker is switched on and the cgroup is reclaimed from
# outside, over and over, so zswap writes its entries back to the disk
# while swap_verify keeps reading, checking and rewriting the data (loads,
# new stores and writeback all at once).  Writeback must happen (zswpwb,
# pswpout) and every byte must come back.  With vswap, pages in zswap take
# no device slot (SwapFree does not move until the writeback), the data is
# then seen on the device (vswap_phys, with as many device slots in use)
# and the moves are counted (vswap_to_phys).
. /lib/vtest.sh
need_disks 1
s=/sys/module/zswap/parameters/shrinker_enabled
[ -w "$s" ] || skip "no zswap shrinker in this kernel"
swap_on_disks 1
zswap on
old=$(cat "$s")
at_exit 'echo "$old" >"$s"'
echo N >"$s"
wb=$(vmstat zswpwb)
p=$(vmstat pswpout)
tp=$(vmstat vswap_to_phys)
free=$(meminfo SwapFree)
sv_start -m anon -s 48 -t 8 -R
sv_wait
zb=$(cgstat "$SV_CG" zswapped)
echo "in zswap: $zb bytes"
[ "$zb" -gt 0 ] || fail "nothing in zswap before the writeback"
expect_same zswpwb "$wb"
if has_vswap; then
	echo "swapped out: $(vswap_gauges)"
	[ "$(meminfo SwapFree)" -eq "$free" ] ||
		fail "SwapFree moved from $free to $(meminfo SwapFree) kB with the pages in zswap"
	echo "SwapFree: unchanged at $free kB"
else
	echo "SwapFree: $free -> $(meminfo SwapFree) kB (no vswap: zswap pages hold slots)"
fi
echo Y >"$s"
sv_go
# vswap_phys at its highest while swap_verify runs: whether the data read
# back from the disk keeps its device slot is vswap's business, so by the
# end there may be none left on the device
maxphys=0
while [ ! -e "$SV_FILE" ] && sv_running; do
	echo 8M >"$SV_CG/memory.reclaim" 2>/dev/null
	if has_vswap; then
		ph=$(vmstat vswap_phys)
		[ "$ph" -gt "$maxphys" ] && maxphys=$ph
	fi
	sleep 0.2
done
sv_wait after
echo "in zswap: $(cgstat "$SV_CG" zswapped) bytes"
expect_grew zswpwb "$wb"
expect_grew pswpout "$p"
if has_vswap; then
	echo "swapped out: $(vswap_gauges); vswap_phys was up to $maxphys"
	[ "$maxphys" -gt 0 ] || [ "$(vmstat vswap_phys)" -gt 0 ] ||
		fail "vswap_phys stayed 0 through the writeback"
	phys=$(vmstat vswap_phys) used=$(swap_used_kb)
	echo "device slots in use: $used kB for $phys pages on the device"
	[ "$used" -ge $((phys * 4)) ] ||
		fail "$phys pages on the device but only $used kB used in /proc/swaps"
	expect_grew vswap_to_phys "$tp"
fi
sv_go
sv_end || fail "data verification"
