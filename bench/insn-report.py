#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Kernel instructions per function, from bench/insncount.so's counts.

    bench/insn-report.py fold SYSTEM.MAP RAW >NAME.insn
    bench/insn-report.py diff [-n N] A.insn... -- B.insn...
    bench/insn-report.py total NAME.insn
    bench/insn-report.py callers VMLINUX RAW FUNCTION[,FUNCTION...]

fold: adds up the counts of RAW (one "ADDRESS INSNS EXECS" line per address
that started a translation block, and "user INSNS") by the kernel function
that holds each address, by SYSTEM.MAP; prints "INSNS CALLS FUNCTION"
lines, largest first, with "(user)" for user space and "(unknown)" for
addresses outside the map's text (modules, BPF).  CALLS are the runs of
blocks that start at the function's first instruction.

diff: averages each function's count over the .insn files of a side and
prints the kernel's total per side and the N functions (25) whose count
grew most from A to B and the N that shrank most, in millions of
instructions, with their calls per side in thousands.  The counts cover the guest's whole run, boot included;
with the same initramfs and job, boot costs much the same on both sides.

total: the kernel's instructions in one .insn file (user space left out),
as one integer: what bench/run adds to a run's RESULT lines as kinsn=.

callers: who calls FUNCTION, and how often: for each direct call (or tail
jump) to it in VMLINUX's code (disassembled with objdump; a file holding
objdump -d --no-show-raw-insn output will do too), the executions of the
blocks of RAW that start at most 64 instructions before it in the same
function and are longer, on average, than the instructions before it; prints "CALLS KIND
CALLER -> FUNCTION" lines, most first.  Indirect calls are not seen.
"""

import bisect
import re
import subprocess
import sys

from sides import parse_sides


def load_map(path):
    syms = []  # (address, name), sorted
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3 and fields[1] in "tTwW":
                syms.append((int(fields[0], 16), fields[2]))
    syms.sort()
    if not syms:
        sys.exit(f"{path}: no text symbols")
    return [a for a, _ in syms], [n for _, n in syms]


def fold(map_path, raw_path):
    addrs, names = load_map(map_path)
    end = addrs[-1] + (1 << 21)
    insns, calls = {}, {}
    with open(raw_path) as f:
        for line in f:
            fields = line.split()
            execs = 0
            if fields[0] == "user":
                name = "(user)"
            else:
                a = int(fields[0], 16)
                i = bisect.bisect_right(addrs, a) - 1
                name = names[i] if i >= 0 and a < end else "(unknown)"
                if i >= 0 and a == addrs[i] and len(fields) > 2:
                    execs = int(fields[2])
            insns[name] = insns.get(name, 0) + int(fields[1])
            calls[name] = calls.get(name, 0) + execs
    for name, n in sorted(insns.items(), key=lambda x: -x[1]):
        print(n, calls[name], name)


def average(paths):
    """{function: (instructions, calls)}, averaged over @paths"""
    total = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                n, c, name = line.split()
                t = total.get(name, (0, 0))
                total[name] = (t[0] + int(n), t[1] + int(c))
    return {name: (n / len(paths), c / len(paths))
            for name, (n, c) in total.items()}


def kernel_total(counts):
    """the kernel's instructions in {function: (instructions, calls)}"""
    return sum(n for s, (n, _) in counts.items() if s != "(user)")


def diff(argv):
    top, side_a, side_b = parse_sides(argv, __doc__)
    a, b = average(side_a), average(side_b)
    kern_a, kern_b = kernel_total(a), kernel_total(b)
    print(f"kernel instructions (millions): A {kern_a / 1e6:.1f} "
          f"({len(side_a)} runs), B {kern_b / 1e6:.1f} ({len(side_b)}), "
          f"B-A {(kern_b - kern_a) / 1e6:+.1f}")
    zero = (0, 0)
    print(f"user: A {a.get('(user)', zero)[0] / 1e6:.1f}, "
          f"B {b.get('(user)', zero)[0] / 1e6:.1f}")
    delta = {s: b.get(s, zero)[0] - a.get(s, zero)[0]
             for s in set(a) | set(b) if s != "(user)"}
    order = sorted(delta, key=lambda s: -delta[s])

    def row(s):
        (na, ca), (nb, cb) = a.get(s, zero), b.get(s, zero)
        print(f"{delta[s] / 1e6:9.2f} {na / 1e6:9.2f} {nb / 1e6:9.2f} "
              f"{ca / 1e3:9.1f} {cb / 1e3:9.1f}  {s}")

    print(f"{'B-A':>9} {'A':>9} {'B':>9} {'A calls':>9} {'B calls':>9}  "
          "function (instructions: millions; calls: thousands)")
    print("-- grew")
    for s in order[:top]:
        if delta[s] > 0:
            row(s)
    print("-- shrank")
    for s in reversed(order[-top:]):
        if delta[s] < 0:
            row(s)


def disassembly(path):
    """The objdump -d --no-show-raw-insn text of @path, an ELF or a listing"""
    with open(path, "rb") as f:
        elf = f.read(4) == b"\x7fELF"
    if not elf:
        with open(path) as f:
            return f.read()
    return subprocess.run(["objdump", "-d", "--no-show-raw-insn", path],
                          capture_output=True, text=True, check=True).stdout


FUNC_RE = re.compile(r"^([0-9a-f]+) <(.+)>:$")
INSN_RE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
TARGET_RE = re.compile(r"<([^>+]+)>\s*$")


def callers(listing, raw_path, targets, window=64):
    """{(caller, kind, target): calls} from a listing and a raw count file"""
    addrs, funcs, sites = [], [], []
    func = None
    for line in listing.splitlines():
        m = FUNC_RE.match(line)
        if m:
            func = m.group(2)
            continue
        m = INSN_RE.match(line)
        if not m or func is None:
            continue
        addrs.append(int(m.group(1), 16))
        funcs.append(func)
        if m.group(2) in ("call", "jmp"):
            t = TARGET_RE.search(m.group(3))
            if t and t.group(1) in targets:
                sites.append((len(addrs) - 1, m.group(2), t.group(1)))
    blocks = {}
    with open(raw_path) as f:
        for line in f:
            fields = line.split()
            if fields[0] != "user" and len(fields) > 2:
                blocks[int(fields[0], 16)] = (int(fields[1]), int(fields[2]))
    counts = {}
    for i, kind, target in sites:
        n = 0
        for j in range(i, max(i - window, -1), -1):
            if funcs[j] != funcs[i]:
                break
            insns, execs = blocks.get(addrs[j], (0, 0))
            # It reaches the site if it is longer, on average, than the
            # instructions before the site: under -icount a few of its
            # runs may have been translated short.
            if execs and insns > execs * (i - j):
                n += execs
        key = (funcs[i], kind, target)
        counts[key] = counts.get(key, 0) + n
    return counts


def main(argv):
    if len(argv) == 3 and argv[0] == "fold":
        fold(argv[1], argv[2])
    elif argv and argv[0] == "diff":
        diff(argv[1:])
    elif len(argv) == 2 and argv[0] == "total":
        print(round(kernel_total(average([argv[1]]))))
    elif len(argv) == 4 and argv[0] == "callers":
        counts = callers(disassembly(argv[1]), argv[2],
                         set(argv[3].split(",")))
        for (caller, kind, target), n in sorted(counts.items(),
                                                key=lambda x: -x[1]):
            if n:
                print(n, kind, caller, "->", target)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
