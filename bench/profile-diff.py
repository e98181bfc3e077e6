#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the own ("self") samples of kernel symbols in two sets of profiles.

    bench/profile-diff.py [-n N] A.profile... -- B.profile...

Reads the "== self" section of each profile that PROFILE=1 left in
build/bench/ (NAME-KERNEL-REP.profile), averages each symbol's samples over
the profiles of a side, and prints the busy samples of each side (all but
the idle loop) and the N symbols that grew most from A to B and the N that
shrank most.  Symbols below the report's cut (0.05% of the samples) count
as zero.  A profile with about half the samples of the others (see
bench/README.md, Profiling) should be left out: its counts are not
comparable.
"""

import re
import sys

from sides import parse_sides

IDLE = {"pv_native_safe_halt", "default_idle", "native_safe_halt"}
LINE = re.compile(r"\s*[\d.]+%\s+(\d+)\s+\[k\]\s+(\S+)")


def load(path):
    samples, section = {}, None
    with open(path) as f:
        for line in f:
            if line.startswith("== "):
                section = line.split()[1]
                continue
            m = LINE.match(line) if section == "self" else None
            if m:
                samples[m.group(2)] = samples.get(m.group(2), 0) + \
                    int(m.group(1))
    if not samples:
        sys.exit(f"{path}: no '== self' section")
    return samples


def average(paths):
    total = {}
    for path in paths:
        for sym, n in load(path).items():
            total[sym] = total.get(sym, 0) + n
    return {sym: n / len(paths) for sym, n in total.items()}


def main(argv):
    top, side_a, side_b = parse_sides(argv, __doc__)
    a, b = average(side_a), average(side_b)
    busy_a = sum(n for s, n in a.items() if s not in IDLE)
    busy_b = sum(n for s, n in b.items() if s not in IDLE)
    print(f"busy samples: A {busy_a:.0f} ({len(side_a)} profiles), "
          f"B {busy_b:.0f} ({len(side_b)}), B/A {busy_b / busy_a:.3f}")
    rows = sorted((b.get(s, 0) - a.get(s, 0), s) for s in set(a) | set(b)
                  if s not in IDLE)
    print(f"{'B-A':>8} {'A':>8} {'B':>8}  symbol")
    for label, part in (("grew", reversed(rows[-top:])), ("shrank",
                                                          rows[:top])):
        print(f"-- {label}")
        for d, s in part:
            print(f"{d:8.0f} {a.get(s, 0):8.0f} {b.get(s, 0):8.0f}  {s}")


if __name__ == "__main__":
    main(sys.argv[1:])
