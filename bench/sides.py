# SPDX-License-Identifier: GPL-2.0
"""The command line of bench/profile-diff.py and insn-report.py diff."""

import sys


def parse_sides(argv, usage):
    """[-n N] A... -- B...: (N, default 25; the A files; the B files).

    Exits with @usage when the line does not have that shape.
    """
    top = 25
    if len(argv) > 1 and argv[0] == "-n":
        top = int(argv[1])
        argv = argv[2:]
    if "--" not in argv:
        sys.exit(usage)
    cut = argv.index("--")
    side_a, side_b = argv[:cut], argv[cut + 1:]
    if not side_a or not side_b:
        sys.exit(usage)
    return top, side_a, side_b
