#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# stress-ng --pageswap and --vm with --verify in a cgroup, zswap in front of
# a disk, while memory.reclaim keeps pushing the cgroup's memory out: they
# must finish clean (stress-ng fails the run on any verification error),
# pages must have gone out to swap through reclaim as well as through
# MADV_PAGEOUT, and nothing may be OOM-killed.
#
# The run is sized so that an OOM kill means swap failed to take pages:
# every --pageswap mapping is a shmem file of its own, whose inode, dentry,
# file and VMA stay charged to the cgroup while mapped, so vm.max_map_count
# caps each worker at 8192 of them (about 10 MiB of kernel memory).  Without
# the cap, that memory alone outgrew memory.max, and the memcg OOM killer
# sometimes hit a worker between its two stores that update stress-ng's
# bogo-op counter, which fails the run on any kernel.
. /lib/vtest.sh
need_disks 1
command -v stress-ng >/dev/null || fail "stress-ng is missing from the guest"
swap_on_disks 1
zswap on
old_maps=$(cat /proc/sys/vm/max_map_count)
at_exit "echo $old_maps >/proc/sys/vm/max_map_count"
echo 8192 >/proc/sys/vm/max_map_count
cg=/sys/fs/cgroup/stress-ng-verify
mkdir $cg || fail "mkdir $cg"
at_exit "rmdir $cg 2>/dev/null"
echo 80M >$cg/memory.max
before=$(( $(vmstat pswpout) + $(vmstat zswpout) ))
rm -f /tmp/stress-ng.rc
{
	sh -c "echo \$\$ >$cg/cgroup.procs; exec stress-ng --pageswap 2 \
		--vm 1 --vm-bytes 32M --vm-keep --verify --timeout 15s \
		--metrics-brief"
	echo $? >/tmp/stress-ng.rc
} 2>&1 | sed -n 's/^stress-ng: [a-z]*: *\[[0-9]*\] //p' &
pipe=$!
# Reclaim from the cgroup until stress-ng is done: "-EAGAIN, could not
# reclaim that much" is a normal answer while the workers run hot.
while kill -0 $pipe 2>/dev/null; do
	echo 4M >$cg/memory.reclaim 2>/dev/null
	sleep 1
done
wait $pipe
rc=$(cat /tmp/stress-ng.rc)
[ "$rc" -eq 0 ] || fail "stress-ng exited with $rc"
after=$(( $(vmstat pswpout) + $(vmstat zswpout) ))
steal=$(cgstat $cg pgsteal)
ooms=$(awk '$1 == "oom_kill" { print $2 }' $cg/memory.events)
echo "pages swapped out: $((after - before)), reclaimed from the cgroup: $steal, OOM kills: $ooms"
[ "$after" -gt "$before" ] || fail "nothing was swapped out"
[ "$steal" -gt 0 ] || fail "reclaim took no page from the cgroup"
[ "$ooms" -eq 0 ] || fail "$ooms OOM kill(s) in the cgroup"
