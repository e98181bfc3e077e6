# Put by bench/run (PROFILE=1) between lib.sh and the scenario: samples the
# whole guest with perf while the scenario runs and, when the job exits,
# prints two reports as "PROFILE " lines: the kernel symbols by their own
# samples, and by the samples of everything they called.
export HOME=/tmp
echo -1 >/proc/sys/kernel/perf_event_paranoid
echo 0 >/proc/sys/kernel/kptr_restrict
perf record -a -g -N -e cpu-clock -F 499 -o /tmp/perf.data \
	>/tmp/perf.log 2>&1 &
perf_pid=$!
sleep 2
profile_report() {
	kill -INT "$perf_pid"
	wait "$perf_pid"
	{
		echo "== self"
		perf report -i /tmp/perf.data --stdio --no-children -g none \
			-n --sort sym --percent-limit 0.05
		echo "== children"
		perf report -i /tmp/perf.data --stdio --children -g none \
			-n --sort sym --percent-limit 0.2
		[ -z "$PROFILE_CALLERS" ] ||
			perf script -i /tmp/perf.data -F ip,sym 2>/dev/null |
			awk -v syms="$PROFILE_CALLERS" '
			BEGIN { n = split(syms, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
			# one sample: its frames, innermost first, up to a blank line
			NF == 0 { if (d && want[f[1]]) { c = f[1]; for (i = 2; i <= d && i <= 7; i++) c = c " <- " f[i]; cnt[c]++ } d = 0; next }
			{ f[++d] = $2 }
			END { for (c in cnt) if (cnt[c] >= 3) printf "== callers %6d %s\n", cnt[c], c }' |
			sort -k3,3 -k2,2nr
		if [ -n "$PROFILE_PARENT" ]; then
			echo "== under $PROFILE_PARENT"
			perf report -i /tmp/perf.data --stdio --no-children \
				-g none -n --sort sym -p "$PROFILE_PARENT" -x \
				--percent-limit 0.01
		fi
		cat /tmp/perf.log
	} 2>&1 | grep -v '^#' | grep -v '^$' | sed 's/^/PROFILE /'
}
trap profile_report EXIT
