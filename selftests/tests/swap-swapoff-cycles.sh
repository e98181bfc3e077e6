#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# swapon/swapoff cycles of two disks under stress-ng --pageswap and a
# verifier, zswap off so that the disks hold the data: every swapoff and
# swapon must succeed, stress-ng must finish cleanly and the verifier's
# data must check out.
. /lib/vtest.sh
need_disks 2
swap_off_all
zswap off
at_exit "zswap on; swap_off_all; swap_on_disks"
swap_on_disks 2
a=$(swap_disks | sed -n 1p)
b=$(swap_disks | sed -n 2p)
cg=/sys/fs/cgroup/cycles
mkdir -p "$cg"
echo 48M >"$cg/memory.max"
at_exit "rmdir $cg"
sh -c "echo \$\$ >$cg/cgroup.procs; exec stress-ng --pageswap 2 --timeout 25 \
	--metrics-brief" >/tmp/cycles.out 2>&1 &
ng=$!
sv_start -m anon -s 48 -i -t 20 -R
sv_wait
sv_go
for i in 1 2 3 4; do
	for d in "$a" "$b"; do
		swapoff "$d" || fail "cycle $i: swapoff $d"
		swapon "$d" || fail "cycle $i: swapon $d"
	done
	echo "cycle $i: $(swap_used_kb) kB in use"
done
wait "$ng" || { cat /tmp/cycles.out; fail "stress-ng --pageswap failed"; }
grep -E "pageswap|successful" /tmp/cycles.out
sv_wait after
sv_go
sv_end || fail "data verification across the cycles"
