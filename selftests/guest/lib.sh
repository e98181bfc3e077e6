# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest tests in selftests/tests/, sourced as /lib/vtest.sh.
# A test is a script that exits 0 (pass), 1 (fail) or 4 (skip, with the
# reason printed); everything it prints lands in the TAP stream as comments.

KSFT_SKIP=4

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit $KSFT_SKIP; }

# at_exit CMD: run the command line CMD when the test exits, however it
# exits (pass, fail or skip), before those registered earlier.  Tests use
# it instead of their own EXIT trap.
VTEST_ATEXIT=
at_exit() { VTEST_ATEXIT="$1; $VTEST_ATEXIT"; }
trap 'sv_kill; eval "$VTEST_ATEXIT"' EXIT

# vm_refresh: fold the per-CPU vmstat deltas into the totals, so that the
# gauges read next are exact, not up to a threshold per CPU behind
vm_refresh() { echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null; }

# vmstat KEY: the current value of KEY in /proc/vmstat (0 when absent);
# the vswap_* gauges are refreshed first
vmstat() {
	case "$1" in vswap_*) vm_refresh ;; esac
	awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' /proc/vmstat
}

# swap_disks: the prepared swap devices, one per line
swap_disks() { cat /run/swapdevs; }

# swap_on_disks [N]: swapon the first N prepared disks (default all)
swap_on_disks() {
	local n=${1:-99} d
	for d in $(swap_disks | head -n "$n"); do
		swapon "$d" || fail "swapon $d"
	done
}

# swap_off_all: swapoff every active swap area (busybox's swapoff -a also
# wants an /etc/fstab, and fails without one)
swap_off_all() {
	local d
	for d in $(awk 'NR > 1 { print $1 }' /proc/swaps); do
		swapoff "$d" || fail "swapoff $d"
	done
}

need_disks() {
	[ "$(swap_disks | wc -l)" -ge "$1" ] || skip "needs $1 swap disk(s)"
}

# zswap on|off
zswap() {
	local p=/sys/module/zswap/parameters/enabled
	[ -w "$p" ] || skip "zswap is not available"
	case "$1" in
	on) echo Y >"$p" ;;
	off) echo N >"$p" ;;
	esac
}

# expect_grew KEY BEFORE: fail unless vmstat KEY grew past BEFORE
expect_grew() {
	local now
	now=$(vmstat "$1")
	[ "$now" -gt "$2" ] || fail "$1 did not grow ($2 -> $now)"
	echo "$1: $2 -> $now"
}

# expect_same KEY BEFORE: fail if vmstat KEY changed from BEFORE
expect_same() {
	local now
	now=$(vmstat "$1")
	[ "$now" -eq "$2" ] || fail "$1 changed ($2 -> $now)"
	echo "$1: unchanged at $now"
}

# with_zswap on|off CMD...: run CMD with zswap switched on or off, then
# switch it back on (the guest's default); returns CMD's status
with_zswap() {
	local rc
	zswap "$1"
	shift
	"$@"
	rc=$?
	zswap on
	return $rc
}

# has_vswap: true when the kernel swaps through vswap (CONFIG_VIRTUAL_SWAP=y
# with the swap paths routed through it), told by its vmstat counters
has_vswap() { grep -q '^vswap_' /proc/vmstat; }

# need_vswap WHAT: skip unless the kernel has vswap
need_vswap() { has_vswap || skip "no vswap in this kernel: $*"; }

# meminfo KEY: the value of KEY in /proc/meminfo, in kB (0 when absent)
meminfo() {
	awk -v k="$1:" '$1 == k { v = $2 } END { print v + 0 }' /proc/meminfo
}

# cgstat CGROUP KEY: the value of KEY in CGROUP's memory.stat (CGROUP is a
# path), or -1 when there is no such key
cgstat() {
	awk -v k="$2" '$1 == k { v = $2; f = 1 } END { print f ? v : -1 }' \
		"$1/memory.stat"
}

# cg_parent NAME: create /sys/fs/cgroup/NAME (path in CG_PARENT) with the
# memory controller enabled for its children (init enables it in the
# root), removed at exit; for swap_verify -g NAME
cg_parent() {
	CG_PARENT=/sys/fs/cgroup/$1
	mkdir -p "$CG_PARENT" || fail "mkdir $CG_PARENT"
	at_exit "rmdir $CG_PARENT/* $CG_PARENT 2>/dev/null"
	echo +memory >"$CG_PARENT/cgroup.subtree_control" ||
		fail "cannot enable the memory controller in $CG_PARENT"
}

# expect_cg_freed CGROUP KEY: with vswap, once the tasks of CGROUP's
# children have exited, its memory.stat KEY (a vswap_* count, in bytes) is
# back at zero.  Reading /proc/vmstat first finishes the frees waiting in
# the CPUs' batches; memory.stat may then lag the last updates until the
# kernel's periodic stats flush (every 2 s), so it gets 5 s.
expect_cg_freed() {
	local left i=0
	has_vswap || return 0
	cat /proc/vmstat >/dev/null
	while left=$(cgstat "$1" "$2") && [ "$left" -ne 0 ] && [ "$i" -lt 50 ]
	do
		sleep 0.1
		i=$((i + 1))
	done
	echo "after exit: $2 of $1 is $left bytes (after $((i * 100)) ms)"
	[ "$left" -eq 0 ] || fail "$2 of $1 is $left bytes after its tasks exited"
}

# The vswap gauges are the vswap_* lines of /proc/vmstat other than the
# vswap_to_* events and vswap_desc_bytes: live virtual slots by where their
# data is (none, zero, zswap, phys, folio, and any backend added later)

# vswap_live: live virtual swap slots, all backends together
vswap_live() {
	vm_refresh
	awk '/^vswap_/ && !/^vswap_to_/ && $1 != "vswap_desc_bytes" { n += $2 }
		END { print n + 0 }' /proc/vmstat
}

# vswap_gauges: the gauges and the descriptor memory on one line, for the log
vswap_gauges() {
	vm_refresh
	awk '/^vswap_/ && !/^vswap_to_/ { sub(/^vswap_/, "", $1); s = s " " $1 "=" $2 }
		END { print "vswap:" s }' /proc/vmstat
}

# slot_cache_slack_kb: the swap space, in kB, that the per-CPU swap slot
# caches may hold while nothing uses it: per CPU, 64 slots to allocate
# and 64 to free
slot_cache_slack_kb() { echo $(( $(nproc) * 2 * 64 * 4 )); }

# reclaim_until CG TENTHS CMD...: run CMD until it succeeds, for at most
# TENTHS tenths of a second.  Between tries CG, if it still exists, is
# asked to reclaim: the swap cache of pages read back is charged there and
# holds their slots after their owner is gone.  WAITED is set to the time
# waited ("1.3 s").  Returns 0 once CMD succeeded, 1 if the time ran out.
reclaim_until() {
	local cg=$1 max=$2 i=0 rc=0
	shift 2
	until "$@"; do
		[ "$i" -lt "$max" ] || { rc=1; break; }
		[ -d "$cg" ] && echo 1G >"$cg/memory.reclaim" 2>/dev/null
		sleep 0.1
		i=$((i + 1))
	done
	WAITED="$((i / 10)).$((i % 10)) s"
	return $rc
}

# swap_used_kb: "Used" of /proc/swaps, all devices, in kB
swap_used_kb() {
	awk 'NR > 1 { n += $4 } END { print n + 0 }' /proc/swaps
}

# vmswap_pages PID: swap entries in PID's page tables (VmSwap), in pages
vmswap_pages() {
	awk -v ps=4 \
		'$1 == "VmSwap:" { print int($2 / ps) }' "/proc/$1/status"
}

# swap_verify in the background, pausing while its pages are swapped out
# (swap_verify -W):
#
#	sv_start ARGS...   start swap_verify -W $SV_FILE ARGS... in the
#	                   background (pid in SV_PID)
#	sv_wait [STAGE]    wait until it pauses (at STAGE, default "swapped");
#	                   sets SV_CG to its cgroup's path and SV_OUT to the
#	                   number of its pages whose data is only in swap
#	                   (neither mapped nor in the swap cache)
#	sv_go              let it go on
#	sv_end             wait for it; returns its exit status
#
# A test that exits while swap_verify is still running kills it.
SV_FILE=/tmp/swap_verify.pause
SV_PID=

sv_start() {
	rm -f "$SV_FILE"
	swap_verify -W "$SV_FILE" "$@" &
	SV_PID=$!
}

sv_kill() {
	[ -n "$SV_PID" ] || return 0
	kill "$SV_PID" 2>/dev/null
	rm -f "$SV_FILE"
	wait "$SV_PID" 2>/dev/null
	SV_PID=
}

# sv_running: swap_verify has neither exited nor become a zombie
sv_running() {
	local st
	st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$SV_PID/status" \
		2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

sv_wait() {
	local stage=${1:-swapped} i=0 pid cg st out
	while [ ! -e "$SV_FILE" ]; do
		sv_running || { sv_end; fail "swap_verify exited (status $?)" \
			"before pausing ($stage)"; }
		i=$((i + 1))
		[ "$i" -lt 3000 ] || fail "swap_verify did not pause ($stage)"
		sleep 0.1
	done
	read -r pid cg st out <"$SV_FILE"
	[ "$pid" = "$SV_PID" ] && [ "$st" = "$stage" ] && [ "$out" -ge 0 ] ||
		fail "swap_verify paused as '$pid $cg $st $out', wanted $SV_PID at $stage"
	SV_CG=$cg
	SV_OUT=$out
}

sv_go() { rm -f "$SV_FILE"; }

sv_end() {
	local rc
	wait "$SV_PID"
	rc=$?
	case $rc in
	135) echo "swap_verify was killed by SIGBUS: a swap-in failed" ;;
	137) echo "swap_verify was killed by SIGKILL (the OOM killer?)" ;;
	13[0-9]|1[4-9][0-9]) echo "swap_verify was killed by signal $((rc - 128))" ;;
	esac
	SV_PID=
	return $rc
}
