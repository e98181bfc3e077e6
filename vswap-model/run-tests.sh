#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh BUILD STRESS...: run the unit and stress tests of every built
# variant (debug, asan, tsan), print their TAP, and end with one line:
# "N passed, N failed, N skipped".  Exit status is non-zero on any failure.
# Stress scenarios run both implementations (-i both): vswap and classic.
set -u
build=$1
shift
pass=0 fail=0 skip=0
secs=${STRESS_SECONDS:-3}

run() {
	local variant=$1 bin=$2 out rc
	shift 2
	echo "# --- $variant/$(basename "$bin") $*"
	out=$(timeout 300 "$bin" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed -e "s/^\(not \)\?ok \([0-9]* \)\?- /&$variant: /"
	local p f s
	p=$(printf '%s\n' "$out" | grep -E '^ok ' | grep -vc '# SKIP')
	s=$(printf '%s\n' "$out" | grep -E '^ok ' | grep -c '# SKIP')
	f=$(printf '%s\n' "$out" | grep -cE '^not ok ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $variant: $(basename "$bin") exited with $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

echo "TAP version 13"
for variant in debug asan tsan; do
	dir=$build/$variant
	if [ ! -x "$dir/unit" ]; then
		echo "ok - $variant: all tests # SKIP not built (see README.md)"
		skip=$((skip + 1))
		continue
	fi
	extra=()
	# TSan: see README.md, "ThreadSanitizer".
	[ "$variant" = tsan ] && export TSAN_OPTIONS="halt_on_error=0 exitcode=66 report_signal_unsafe=0 suppressions=$(dirname "$0")/tsan.supp"
	[ "$variant" = asan ] && export ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1"
	run "$variant" "$dir/unit"
	for s in "$@"; do
		run "$variant" "$dir/$s" -l "$secs" -i both
	done
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
