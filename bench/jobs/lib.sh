# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the bench jobs.  bench/run puts this file, after the
# job's settings and the benchtool unpacking, in front of every job script;
# /lib/vtest.sh (selftests/guest/lib.sh) is sourced too, for vmstat,
# swap_on_disks, zswap and fail.
. /lib/vtest.sh

echo "KERNEL $(cat /proc/version)"

# meminfo KEY: the value of KEY in /proc/meminfo, in kB
meminfo() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# quiesce: make the counters read next exact.  SLUB counts objects sitting
# free in a CPU's slab as live, and /proc/meminfo lags by the per-CPU
# vmstat deltas: shrink every cache (flushes the CPU slabs) and fold the
# deltas (vm.stat_refresh).
quiesce() {
	local f
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null
	done
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
}

# snapshot FILE: quiesce, then "key value" lines into FILE: every slab
# cache's live bytes (active_objs * objsize) as "slab.NAME BYTES", every
# /proc/meminfo field (kB), PcpFree (kB of free pages on the per-CPU lists,
# which MemFree does not count) and the vswap_* gauges.
# Nothing is forked between the quiesce and the reads but one awk.
snapshot() {
	local si=
	[ -r /proc/slabinfo ] && si=/proc/slabinfo
	quiesce
	awk 'FILENAME == "/proc/slabinfo" { if (FNR > 2) print "slab." $1, $2 * $4; next }
		FILENAME == "/proc/meminfo" { sub(":", "", $1); print $1, $2; next }
		FILENAME == "/proc/zoneinfo" { if ($1 == "count:") pcp += $2; next }
		/^vswap_/ { print $1, $2 }
		END { print "PcpFree", pcp * 4 }' \
		$si /proc/meminfo /proc/zoneinfo \
		/proc/vmstat >"$1"
}

# snap_get FILE KEY: one value of a snapshot ("missing" if absent)
snap_get() {
	awk -v k="$2" '$1 == k { v = $2; f = 1 } END { print f ? v : "missing" }' "$1"
}

# slab_total FILE: live slab bytes in a snapshot (-1: no /proc/slabinfo)
slab_total() {
	awk '/^slab\./ { s += $2; n++ } END { printf "%d\n", n ? s : -1 }' "$1"
}

# vswap_of FILE PREFIX: " PREFIXvswap_KEY=VALUE ..." of a snapshot, or
# " PREFIXvswap=missing" when the kernel has no vswap_* counters
vswap_of() {
	awk -v p="$2" '/^vswap_/ { printf " %s%s=%s", p, $1, $2; n++ }
		END { if (!n) printf " %svswap=missing", p; print "" }' "$1"
}

# slab_diff BEFORE AFTER MIN: " slab.CACHE=DELTA" for each cache whose live
# bytes changed by at least MIN between two snapshots, on one line
slab_diff() {
	awk -v min="$3" '$1 !~ /^slab\./ { next }
		NR == FNR { b[$1] = $2; next }
		{ d = $2 - b[$1]; if (d >= min || -d >= min) printf " %s=%d", $1, d }' \
		"$1" "$2"
	echo
}

# vswap_gauges: "vswap_KEY=VALUE ..." for every vswap_* line of
# /proc/vmstat, or "vswap=missing" when the kernel has none
vswap_gauges() {
	awk '/^vswap_/ { printf " %s=%s", $1, $2; n++ }
		END { if (!n) printf " vswap=missing"; print "" }' /proc/vmstat
}

# irq_counts: "KEY VALUE" lines, summed over the CPUs: the local timer
# (irq_loc), rescheduling, function-call and TLB-shootdown IPIs (irq_res,
# irq_cal, irq_tlb) from /proc/interrupts, context switches (ctxt), and
# the CPUs' time by state from /proc/stat's cpu line, in clock ticks
# (cpu_user, cpu_sys, cpu_idle, cpu_iowait, cpu_irq: hard and soft)
irq_counts() {
	awk '$1 ~ /^(LOC|RES|CAL|TLB):$/ {
			n = 0
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
			sub(":", "", $1); print "irq_" tolower($1), n
		}' /proc/interrupts
	awk '$1 == "ctxt" { print "ctxt", $2 }
	     $1 == "cpu" {
		print "cpu_user", $2 + $3; print "cpu_sys", $4
		print "cpu_idle", $5; print "cpu_iowait", $6
		print "cpu_irq", $7 + $8
	     }' /proc/stat
}

# irq_diff BEFORE: " KEY=DELTA" for each irq_counts() key since BEFORE, a
# file irq_counts() wrote
irq_diff() {
	irq_counts | awk 'NR == FNR { b[$1] = $2; next }
		{ printf " %s=%d", $1, $2 - b[$1] }' "$1" -
}

# gone PID: wait until PID has exited (absent or a zombie)
gone() {
	while [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
		usleep 10000
	done
}

# settle: wait for swap writeback to finish (Writeback: 0 kB), at most 30 s
settle() {
	local i=0
	while [ "$(meminfo Writeback)" -gt 0 ] && [ $i -lt 3000 ]; do
		usleep 10000
		i=$((i + 1))
	done
}

# proc_kb PID KEY: the value of KEY (VmSwap, VmRSS) in /proc/PID/status, kB
proc_kb() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

# in_cgroup CG CMD...: run CMD inside cgroup CG (a directory)
in_cgroup() {
	local cg=$1
	shift
	sh -c "echo \$\$ >$cg/cgroup.procs; exec \"\$@\"" sh "$@"
}
