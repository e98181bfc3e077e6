#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# MADV_FREE on swapped-out pages, with zswap and with a disk: their swap
# entries go at once, they read back as zeroes, and the rest of the
# mapping still verifies.  After the program exits nothing is left: with
# vswap no live slot (the swap cache of the pages it read back is
# reclaimed meanwhile), otherwise no more than the per-CPU slot caches.
. /lib/vtest.sh
need_disks 1
swap_off_all
swap_on_disks 1
cg=/sys/fs/cgroup/madv-free
mkdir -p "$cg"
at_exit "zswap on; swap_off_all; swap_on_disks; rmdir $cg"
slack=$(slot_cache_slack_kb)
settled() {
	if has_vswap; then
		[ "$(vswap_live)" -le "$live0" ]
	else
		[ "$(swap_used_kb)" -le $((used0 + slack)) ]
	fi
}
for z in on off; do
	zswap "$z"
	live0=$(vswap_live)
	used0=$(swap_used_kb)
	sh -c "echo \$\$ >$cg/cgroup.procs && exec /tests/madv_free_swapped 16" ||
		fail "MADV_FREE of swapped pages, zswap $z (status $?)"
	reclaim_until "$cg" 100 settled ||
		fail "zswap $z: swap still in use $WAITED after exit:" \
			"$(swap_used_kb) kB, $(vswap_gauges)"
	echo "zswap $z: settled after $WAITED; $(swap_used_kb) kB used;" \
		"$(vswap_gauges)"
done
