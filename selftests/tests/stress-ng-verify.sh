#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# stress-ng --pageswap and --vm with --verify in a cgroup whose memory.max is
# below what they touch, zswap in front of a disk: they must finish clean
# (stress-ng fails the run on any verification error), and pages must have
# gone out to swap.
. /lib/vtest.sh
need_disks 1
command -v stress-ng >/dev/null || fail "stress-ng is missing from the guest"
swap_on_disks 1
zswap on
cg=/sys/fs/cgroup/stress-ng-verify
mkdir $cg || fail "mkdir $cg"
echo 64M >$cg/memory.max
before=$(( $(vmstat pswpout) + $(vmstat zswpout) ))
{
	sh -c "echo \$\$ >$cg/cgroup.procs; exec stress-ng --pageswap 2 \
		--vm 1 --vm-bytes 40M --vm-keep --verify --timeout 15s \
		--metrics-brief"
	echo $? >/tmp/stress-ng.rc
} 2>&1 | sed -n 's/^stress-ng: [a-z]*: *\[[0-9]*\] //p'
rc=$(cat /tmp/stress-ng.rc)
rmdir $cg
[ "$rc" -eq 0 ] || fail "stress-ng exited with $rc"
after=$(( $(vmstat pswpout) + $(vmstat zswpout) ))
[ "$after" -gt "$before" ] || fail "nothing was swapped out"
echo "pages swapped out: $((after - before))"
