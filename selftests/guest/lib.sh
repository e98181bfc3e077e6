# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest tests in selftests/tests/, sourced as /lib/vtest.sh.
# A test is a script that exits 0 (pass), 1 (fail) or 4 (skip, with the
# reason printed); everything it prints lands in the TAP stream as comments.

KSFT_SKIP=4

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit $KSFT_SKIP; }

# vmstat KEY: the current value of KEY in /proc/vmstat (0 when absent)
vmstat() {
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
