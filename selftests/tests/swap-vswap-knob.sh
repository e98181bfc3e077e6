#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vswap's max_pages parameter (the bound on live virtual slots, 0 for
# automatic): a valid value is taken and read back; junk is refused with
# EINVAL and leaves the value as it was.  The boot value is restored.
. /lib/vtest.sh
k=/sys/module/vswap/parameters/max_pages
[ -e "$k" ] || skip "no $k in this kernel"
[ -r "$k" ] && [ -w "$k" ] || fail "$k is not readable and writable"
orig=$(cat "$k")
echo "max_pages at boot: $orig"
case "$orig" in
''|*[!0-9]*) fail "max_pages reads '$orig', not a number" ;;
esac
at_exit 'vtest_write "$k" "$orig" >/dev/null'

# set VALUE: the write must succeed and VALUE read back
set_ok() {
	local r
	r=$(vtest_write "$k" "$1") || fail "writing '$1': $r"
	[ "$(cat "$k")" = "$1" ] || fail "wrote $1, read back $(cat "$k")"
	echo "'$1': taken"
}
set_ok 65536
set_ok 100000
# 0 is valid (automatic); what it reads back as is the kernel's business
r=$(vtest_write "$k" 0) || fail "writing '0': $r"
echo "'0': taken, reads back as $(cat "$k")"
set_ok 100000

# junk: refused with EINVAL, the value stays
for v in abc -1 "" " " 12abc 1.5 0x 18446744073709551615 \
		99999999999999999999999; do
	r=$(vtest_write "$k" "$v")
	[ "$r" = EINVAL ] || fail "writing '$v': $r, want EINVAL"
	now=$(cat "$k")
	[ "$now" = 100000 ] || fail "writing '$v' changed max_pages to $now"
	echo "'$v': EINVAL, unchanged"
done

vtest_write "$k" "$orig" >/dev/null || fail "cannot restore max_pages $orig"
[ "$(cat "$k")" = "$orig" ] || fail "restored $orig, read back $(cat "$k")"
