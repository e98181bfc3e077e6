#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memory.swap.backends and memory.swap.backends.effective (vswap only):
# sibling cgroups bound to different disks swap only there; a parent's
# setting narrows a child's; narrowing a setting moves what is already out
# and the data still verifies; "none" swaps nothing and ends in the OOM
# killer rather than a livelock; swapoff and swapon of a named disk update
# the effective set; malformed writes are refused with EINVAL and change
# nothing.
. /lib/vtest.sh
cgr=/sys/fs/cgroup
if ! has_vswap; then
	# Without CONFIG_VIRTUAL_SWAP the files must not exist.
	mkdir -p "$cgr/novswap-probe"
	ls "$cgr/novswap-probe" | grep -q '^memory\.max$' ||
		{ rmdir "$cgr/novswap-probe"; skip "no memory controller"; }
	[ ! -e "$cgr/novswap-probe/memory.swap.backends" ] &&
		[ ! -e "$cgr/novswap-probe/memory.swap.backends.effective" ] ||
		{ rmdir "$cgr/novswap-probe"; fail "memory.swap.backends without vswap"; }
	rmdir "$cgr/novswap-probe"
	skip "memory.swap.backends exists only with CONFIG_VIRTUAL_SWAP (checked: absent)"
fi
need_disks 2
[ ! -e "$cgr/memory.swap.backends" ] || fail "the root cgroup has memory.swap.backends"
swap_off_all
zswap on
at_exit "swap_off_all; swap_on_disks; for c in A B P N X; do rmdir $cgr/\$c/* $cgr/\$c 2>/dev/null; done"
swap_on_disks 2
a=$(swap_disks | sed -n 1p)
b=$(swap_disks | sed -n 2p)
used() { awk -v d="$1" '$1 == d { print $4 }' /proc/swaps; }
# Slots parked in the per-CPU swap slot caches (64 to hand out and 64 to
# return, per CPU) count as used: compare each disk with what it held
# before a workload started, give or take that much.
slack=$(slot_cache_slack_kb)

# expect_file FILE WANT
expect_file() {
	[ "$(cat "$1")" = "$2" ] || fail "$1 reads '$(cat "$1")', want '$2'"
}

# --- defaults and the table of malformed writes
cg_parent X
f=$cgr/X/memory.swap.backends
expect_file "$f" all
expect_file "$cgr/X/memory.swap.backends.effective" "zswap $a $b"
r=$(vtest_write "$f" "zswap $b") || fail "writing 'zswap $b': $r"
expect_file "$f" "zswap $b"
long=$(head -c 5000 /dev/zero | tr '\0' 'z')
for v in "" " " foo "zswap zswap" "$b $b" "all zswap" "none $a" "all none" \
	/nonexistent /tmp /dev/null "zswap /dev/null" "$long" \
	"$(printf 'zswap\001')" "$(printf '\377\376')" relative/path; do
	r=$(vtest_write "$f" "$v")
	[ "$r" = EINVAL ] ||
		fail "writing '$(printf %.40s "$v")' (${#v} bytes) to $f: $r, want EINVAL"
	expect_file "$f" "zswap $b"
done
echo "malformed writes: all EINVAL, setting unchanged"
r=$(vtest_write "$cgr/X/memory.swap.backends.effective" zswap)
[ "$r" = EINVAL ] || [ "$r" = EACCES ] || [ "$r" = EPERM ] ||
	fail "writing the effective file: $r"
echo "writing the effective file: $r"
r=$(vtest_write "$f" none) || fail "writing none: $r"
expect_file "$f" none
expect_file "$cgr/X/memory.swap.backends.effective" none
r=$(vtest_write "$f" all) || fail "writing all: $r"
expect_file "$f" all

# --- siblings bound to different disks (zswap not allowed to either)
cg_parent A
cg_parent B
echo "$a" >"$cgr/A/memory.swap.backends"
echo "$b" >"$cgr/B/memory.swap.backends"
expect_file "$cgr/A/memory.swap.backends.effective" "$a"
# confined GROUP MINE OTHER: a verifier in GROUP swaps to disk MINE only,
# never to OTHER (within the slot caches' slack) nor to zswap: zswpout
# stays at $z, read before the first of them
confined() {
	local g=$1 mine=$2 other=$3 m0 o0 m o
	m0=$(used "$mine")
	o0=$(used "$other")
	sv_start -m anon -s 64 -i -g "$g"
	sv_wait
	m=$(used "$mine")
	o=$(used "$other")
	echo "$g swapped: $m0 -> $m kB on $mine, $o0 -> $o kB on $other"
	[ "$m" -gt "$m0" ] && [ "$o" -le $((o0 + slack)) ] ||
		fail "$g's pages not only on $mine"
	expect_same zswpout "$z"
	sv_go
	sv_end || fail "$g's data"
}
z=$(vmstat zswpout)
confined A "$a" "$b"
confined B "$b" "$a"

# --- hierarchy: a parent's setting narrows its child's
cg_parent P
echo "$b" >"$cgr/P/memory.swap.backends"
mkdir -p "$cgr/P/C"
echo "zswap $a $b" >"$cgr/P/C/memory.swap.backends"
expect_file "$cgr/P/C/memory.swap.backends" "zswap $a $b"
expect_file "$cgr/P/C/memory.swap.backends.effective" "$b"
echo "P: $b, P/C: zswap $a $b -> effective $b"
rmdir "$cgr/P/C"

# --- narrowing moves what is already out; the data still verifies
echo "$a" >"$cgr/X/memory.swap.backends"
ua0=$(used "$a")
sv_start -m anon -s 64 -i -g X
sv_wait
echo "X swapped: $(used "$a") kB on $a, $(used "$b") kB on $b"
[ "$(used "$a")" -gt "$ua0" ] || fail "X's pages are not on $a"
r=$(vtest_write "$cgr/X/memory.swap.backends" "$b") ||
	fail "narrowing X to $b: $r"
echo "X moved to $b: $(used "$a") kB on $a, $(used "$b") kB on $b; $(vswap_gauges)"
[ "$(used "$a")" -le $((ua0 + slack)) ] ||
	fail "X's pages still on $a after the move"
sv_go
sv_end || fail "X's data after the move"

# --- narrowing away zswap moves zswap's entries to an allowed disk
echo zswap >"$cgr/X/memory.swap.backends"
sv_start -m anon -s 64 -g X
sv_wait
zb=$(cgstat "$SV_CG" vswap_zswap)
echo "X in zswap: $zb bytes of slots; $(used "$b") kB on $b"
[ "$zb" -gt 0 ] || fail "X's pages are not in zswap"
r=$(vtest_write "$cgr/X/memory.swap.backends" "$b") ||
	fail "narrowing X from zswap to $b: $r"
za=$(cgstat "$SV_CG" vswap_zswap)
echo "X moved off zswap: $za bytes in zswap; $(used "$b") kB on $b"
[ "$za" -eq 0 ] || fail "X still has $za bytes of slots in zswap"
sv_go
sv_end || fail "X's data after moving off zswap"

# --- swapoff and swapon of a named disk
echo "$b" >"$cgr/X/memory.swap.backends"
swapoff "$b" || fail "swapoff $b"
expect_file "$cgr/X/memory.swap.backends.effective" none
expect_file "$cgr/X/memory.swap.backends" "$b"
swapon "$b" || fail "swapon $b"
expect_file "$cgr/X/memory.swap.backends.effective" "$b"
echo "swapoff/swapon of $b: X's effective set followed"

# --- nothing allowed: no swap, the OOM killer ends it, no livelock
cg_parent N
echo none >"$cgr/N/memory.swap.backends"
z=$(vmstat zswpout)
p=$(vmstat pswpout)
swap_verify -m anon -s 64 -l 32 -i -g N >/tmp/none.out 2>&1
rc=$?
cat /tmp/none.out
[ "$rc" -eq 137 ] || fail "with nothing allowed swap_verify ended with $rc, want SIGKILL (137)"
expect_same zswpout "$z"
expect_same pswpout "$p"
echo "none: swapped nothing, OOM-killed"
