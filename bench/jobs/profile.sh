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
		for sym in $PROFILE_CALLERS; do
			echo "== callers $sym"
			perf report -i /tmp/perf.data --stdio --no-children \
				-S "$sym" -G --percent-limit 0.01 -g caller,0.5,callee
		done
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
