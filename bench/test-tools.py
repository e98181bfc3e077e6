#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of bench/'s host-side tools, on made-up inputs; no guest needed.

    bench/test-tools.py

report.py (the bootstrap interval, the verdicts, a scenario file and the
summary written from RESULT lines), insn-report.py (fold, diff and callers) and
profile-diff.py.  Ends with "N passed, N failed, N skipped", as the model's
runner does, for scripts/check.
"""

import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def load_module(name, file):
    spec = importlib.util.spec_from_file_location(name,
                                                  os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


sys.path.insert(0, HERE)
report = load_module("report", "report.py")


def tool(*argv, stdin=None):
    r = subprocess.run([sys.executable, *argv], input=stdin, text=True,
                       capture_output=True, cwd=HERE)
    if r.returncode:
        raise AssertionError(f"{argv} exited {r.returncode}: {r.stderr}")
    return r.stdout


class Interval(unittest.TestCase):
    def test_equal_samples_give_one(self):
        self.assertEqual(report.ratio_interval([5, 5, 5], [5, 5, 5]),
                         [1.0, 1.0])

    def test_interval_holds_the_ratio_of_medians(self):
        a, b = [110, 95, 120, 101, 99], [100, 90, 105, 98, 112]
        lo, hi = report.ratio_interval(a, b)
        r = report.statistics.median(a) / report.statistics.median(b)
        self.assertLessEqual(lo, r)
        self.assertGreaterEqual(hi, r)
        self.assertLess(lo, hi)

    def test_separate_samples_exclude_one(self):
        lo, hi = report.ratio_interval([200, 210, 190, 205, 195],
                                       [100, 105, 95, 102, 98])
        self.assertGreater(lo, 1.5)
        self.assertLess(hi, 2.5)

    def test_reproducible(self):
        a, b = [3, 1, 4, 1, 5], [9, 2, 6, 5, 3]
        self.assertEqual(report.ratio_interval(a, b),
                         report.ratio_interval(a, b))

    def test_too_few_or_zero(self):
        self.assertIsNone(report.ratio_interval([1], [1, 2]))
        self.assertIsNone(report.ratio_interval([1, 2], [0, 0]))
        # non-numbers (a missing metric) are left out
        self.assertIsNone(report.ratio_interval([1, None], [1, 2]))


class Verdict(unittest.TestCase):
    def test_verdicts(self):
        v = report.verdict
        self.assertEqual(v(1.1, 1.0, [1.02, 1.2]), "met")
        self.assertEqual(v(1.1, 1.0, [0.9, 1.2]), "met, within noise")
        self.assertEqual(v(0.9, 1.0, [0.8, 1.05]), "missed, within noise")
        self.assertEqual(v(0.9, 1.0, [0.8, 0.95]), "missed")
        self.assertEqual(v(0.9, 1.0, None), "missed")
        self.assertEqual(v(None, 1.0, None), "not measured")


def pageswap_lines(van, vsw):
    rows = []
    for i, (a, b) in enumerate(zip(van, vsw), 1):
        rows.append(f"kernel=vanilla rep={i} ops_per_s={a} sys=1.5")
        rows.append(f"kernel=vswap rep={i} ops_per_s={b} sys=1.5")
    return "\n".join(rows) + "\n"


class Report(unittest.TestCase):
    def scenario(self, tmp, name, scen, lines, params, guest=(),
                 kernel=()):
        inp = os.path.join(tmp, name + ".in")
        with open(inp, "w") as f:
            f.write(lines)
        tool("report.py", "scenario", "--scenario", scen, "--name", name,
             "--input", inp, "--results", tmp, "--reps", "5", "--commit",
             "test", "--params", *params, *(("--guest",) + tuple(guest)
                                            if guest else ()),
             *(("--kernel",) + tuple(kernel) if kernel else ()))
        with open(os.path.join(tmp, name + ".json")) as f:
            return json.load(f)

    def test_scenario_and_summary(self):
        with tempfile.TemporaryDirectory() as tmp:
            d = self.scenario(tmp, "pageswap-disk", "pageswap",
                              pageswap_lines([100, 102, 98, 101, 99],
                                             [90, 91, 89, 92, 88]),
                              ["backend=disk"])
            f = d["figures"]
            self.assertAlmostEqual(f["ops_per_s_vswap_over_vanilla"], 0.9)
            lo, hi = f["ops_per_s_vswap_over_vanilla_ci95"]
            self.assertLess(hi, 1.0)
            self.assertLessEqual(lo, 0.9)
            self.scenario(tmp, "pageswap-zswap", "pageswap",
                          pageswap_lines([100, 60, 140, 90, 110],
                                         [105, 70, 150, 85, 120]),
                          ["backend=zswap"])
            out = tool("report.py", "summary", "--results", tmp)
            self.assertIn("pageswap_ratio_disk", out)
            with open(os.path.join(tmp, "summary.json")) as fh:
                s = json.load(fh)
            # the keys the benchmark issue asks for, numbers or null
            for k in ("pageswap_ratio_zswap", "pageswap_ratio_disk",
                      "pageswap_ratio_mixed", "fill_ratio",
                      "swapoff_ratio_max", "metadata_bytes_per_page_zswap",
                      "metadata_bytes_per_page_disk",
                      "metadata_bytes_per_page_zswap_vanilla",
                      "metadata_bytes_per_page_disk_vanilla"):
                self.assertIn(k, s)
            self.assertAlmostEqual(s["pageswap_ratio_disk"], 0.9)
            self.assertIsNone(s["pageswap_ratio_mixed"])
            self.assertEqual(s["intervals_ci95"]["pageswap_ratio_disk"],
                             [lo, hi])
            with open(os.path.join(tmp, "summary.md")) as fh:
                md = fh.read()
            self.assertIn("| pageswap_ratio_disk | 0.900 |", md)
            self.assertRegex(md, r"pageswap_ratio_disk \|[^\n]*\| missed \|")
            self.assertRegex(md, r"pageswap_ratio_zswap \|[^\n]*"
                             r"\| met, within noise \|")

    def test_same_image_is_a_calibration(self):
        # one image under both names: the ratio is noise, not a result
        with tempfile.TemporaryDirectory() as tmp:
            img = os.path.join(tmp, "bzImage")
            with open(img, "w") as f:
                f.write("kernel")
            other = os.path.join(tmp, "bzImage.other")
            with open(other, "w") as f:
                f.write("another kernel")
            for name, back, vsw in (("pageswap-disk", "disk", img),
                                    ("pageswap-zswap", "zswap", other)):
                self.scenario(tmp, name, "pageswap",
                              pageswap_lines([100, 102, 98, 101, 99],
                                             [90, 91, 89, 92, 88]),
                              ["backend=" + back],
                              kernel=["vanilla=" + img, "vswap=" + vsw])
            tool("report.py", "summary", "--results", tmp)
            with open(os.path.join(tmp, "summary.md")) as fh:
                md = fh.read()
            self.assertIn("**The same kernel on both sides.**  "
                          "pageswap-disk booted one kernel image", md)
            self.assertRegex(md, r"pageswap_ratio_disk \|[^\n]*"
                             r"\| none: the same kernel on both sides \|")
            # the other scenario compared two images and keeps its verdict
            self.assertRegex(md, r"pageswap_ratio_zswap \|[^\n]*\| missed \|")

    def test_metadata_target(self):
        # 1024 pages a case; vswap's descriptors 14 B a page for zero
        # pages and 20 B for zswap pages: the first meets the 16-byte
        # ceiling, the second misses it; vanilla has no descriptors.
        rows = []
        for rep in (1, 2, 3):
            for case, desc in (("zero", 14336), ("zswap", 20480)):
                base = (f"rep={rep} case={case} swapped_kb=4096 slots=8192 "
                        "slab_bytes=40960 vmalloc_kb=0 "
                        "swapon_memfree_kb=32")
                rows.append(f"kernel=vanilla {base}")
                rows.append(f"kernel=vswap {base} before.vswap_desc_bytes=0 "
                            f"after.vswap_desc_bytes={desc}")
        with tempfile.TemporaryDirectory() as tmp:
            self.scenario(tmp, "metadata", "metadata", "\n".join(rows) + "\n",
                          ["data=4M"])
            tool("report.py", "summary", "--results", tmp)
            with open(os.path.join(tmp, "summary.json")) as fh:
                s = json.load(fh)
            self.assertAlmostEqual(s["metadata_desc_bytes_per_page_zero"], 14)
            self.assertAlmostEqual(s["metadata_desc_bytes_per_page_zswap"],
                                   20)
            # the totals: 40 B of slab a page + 8 device slots a page
            self.assertAlmostEqual(s["metadata_bytes_per_page_zero"], 48)
            with open(os.path.join(tmp, "summary.md")) as fh:
                md = fh.read()
            self.assertRegex(md, r"\| metadata_desc_bytes_per_page_zero \| "
                             r"14\.000 \|  \| <= 16\.00 \| met \|")
            self.assertRegex(md, r"\| metadata_desc_bytes_per_page_zswap \| "
                             r"20\.000 \|  \| <= 16\.00 \| missed \|")
            self.assertIn("The metadata target is held against", md)
        v = report.ceiling_verdict
        self.assertEqual(v(16.0, 16.0), "met")
        self.assertEqual(v(16.5, 16.0), "missed")
        self.assertEqual(v(None, 16.0), "not measured")

    def test_no_metadata_no_target_note(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.scenario(tmp, "pageswap-disk", "pageswap",
                          pageswap_lines([100, 102, 98], [90, 91, 89]),
                          ["backend=disk"])
            tool("report.py", "summary", "--results", tmp)
            with open(os.path.join(tmp, "summary.json")) as fh:
                s = json.load(fh)
            self.assertIsNone(s["metadata_desc_bytes_per_page_zswap"])
            with open(os.path.join(tmp, "summary.md")) as fh:
                md = fh.read()
            self.assertRegex(md, r"\| metadata_desc_bytes_per_page_zswap \| "
                             r"n/a \|  \| <= 16\.00 \| not measured \|")
            self.assertNotIn("The metadata target is held against", md)

    def test_instruction_counts(self):
        with tempfile.TemporaryDirectory() as tmp:
            lines = "".join(
                f"kernel=vanilla rep={i} ops_per_s=100 kinsn={a}000000\n"
                f"kernel=vswap rep={i} ops_per_s=100 kinsn={b}000000\n"
                for i, (a, b) in enumerate(zip(
                    [9000, 9010, 8990, 9020, 9005],
                    [9100, 9090, 9110, 9095, 9105]), 1))
            d = self.scenario(tmp, "pageswap-disk", "pageswap", lines,
                              ["backend=disk"])
            f = d["figures"]
            self.assertAlmostEqual(f["kinsn_vanilla_over_vswap"],
                                   9005 / 9100)
            lo, hi = f["kinsn_vanilla_over_vswap_ci95"]
            self.assertLess(hi, 1.0)
            tool("report.py", "summary", "--results", tmp)
            with open(os.path.join(tmp, "summary.json")) as fh:
                s = json.load(fh)
            self.assertAlmostEqual(s["pageswap_insn_ratio_disk"],
                                   9005 / 9100)
            self.assertIsNone(s["pageswap_insn_ratio_zswap"])
            self.assertIsNone(s["fill_insn_ratio"])
            self.assertEqual(s["intervals_ci95"]["pageswap_insn_ratio_disk"],
                             [lo, hi])
            with open(os.path.join(tmp, "summary.md")) as fh:
                md = fh.read()
            self.assertIn("| pageswap-disk | 9005.0 | 8990.0 | 9020.0 | "
                          "9100.0 | 9090.0 | 9110.0 | 0.9896 |", md)

    def test_instruction_counts_per_page(self):
        # vswap runs more instructions but moves more pages: cheaper a page
        with tempfile.TemporaryDirectory() as tmp:
            lines = "".join(
                f"kernel=vanilla rep={i} ops_per_s=100 kinsn={a}000000 "
                f"zswpout=200000 zswpin={ina} swpout_zero=0\n"
                f"kernel=vswap rep={i} ops_per_s=100 kinsn={b}000000 "
                f"zswpout=200000 zswpin={inb} swpout_zero=0\n"
                for i, (a, ina, b, inb) in enumerate(zip(
                    [9000, 9000, 9000], [100000, 100000, 100000],
                    [9200, 9200, 9200], [200000, 200000, 200000]), 1))
            d = self.scenario(tmp, "pageswap-zswap", "pageswap", lines,
                              ["backend=zswap"], ["icount_shift=0"])
            f = d["figures"]
            self.assertAlmostEqual(f["kinsn_vanilla_over_vswap"], 9000 / 9200)
            self.assertAlmostEqual(f["kinsn_per_page_vanilla_over_vswap"],
                                   (9000 / 300) / (9200 / 400))
            tool("report.py", "summary", "--results", tmp)
            with open(os.path.join(tmp, "summary.json")) as fh:
                s = json.load(fh)
            self.assertAlmostEqual(s["pageswap_insn_page_ratio_zswap"],
                                   (9000 / 300) / (9200 / 400))
            self.assertIsNone(s["pageswap_insn_page_ratio_disk"])
            self.assertIsNone(s["fill_insn_page_ratio"])
            with open(os.path.join(tmp, "summary.md")) as fh:
                md = fh.read()
            self.assertIn("| pageswap-zswap | 30.00 | 30.00 | 30.00 | "
                          "23.00 | 23.00 | 23.00 | 1.3043 |", md)
            self.assertIn("**Instruction-counted clock.**  pageswap-zswap "
                          "ran with `ICOUNT`", md)
            self.assertRegex(md, r"pageswap_ratio_zswap \|[^\n]*"
                             r"\| none: instruction-counted clock \|")

    def test_no_instruction_counts(self):
        with tempfile.TemporaryDirectory() as tmp:
            d = self.scenario(tmp, "pageswap-disk", "pageswap",
                              pageswap_lines([100, 100], [90, 90]),
                              ["backend=disk"])
            self.assertIsNone(d["figures"]["kinsn_vanilla_over_vswap"])
            tool("report.py", "summary", "--results", tmp)
            with open(os.path.join(tmp, "summary.json")) as fh:
                s = json.load(fh)
            self.assertIsNone(s["pageswap_insn_ratio_disk"])
            self.assertNotIn("pageswap_insn_ratio_disk", s["intervals_ci95"])
            with open(os.path.join(tmp, "summary.md")) as fh:
                md = fh.read()
            self.assertNotIn("Kernel instructions", md)
            self.assertNotIn("Instruction-counted clock", md)

    def test_failed_run_is_not_a_result(self):
        with tempfile.TemporaryDirectory() as tmp:
            lines = pageswap_lines([100, 100], [90, 90]) + \
                "kernel=vswap rep=3 failed=1\n"
            inp = os.path.join(tmp, "in")
            with open(inp, "w") as f:
                f.write(lines)
            r = subprocess.run(
                [sys.executable, "report.py", "scenario", "--scenario",
                 "pageswap", "--name", "pageswap-disk", "--input", inp,
                 "--results", tmp, "--reps", "3", "--commit", "test"],
                cwd=HERE, capture_output=True, text=True)
            # a failed repetition makes the scenario incomplete
            self.assertEqual(r.returncode, 1)
            with open(os.path.join(tmp, "pageswap-disk.json")) as f:
                d = json.load(f)
            self.assertEqual(d["failed_runs"], {"vanilla": 0, "vswap": 1})
            self.assertEqual(d["stats"]["vswap"]["ops_per_s"]["n"], 2)


class InsnReport(unittest.TestCase):
    MAP = ("ffffffff81000000 T _stext\n"
           "ffffffff81000100 T alpha\n"
           "ffffffff81000200 t beta\n"
           "ffffffff81000300 D some_data\n"
           "ffffffff81000400 T gamma\n")
    # ADDRESS INSNS EXECS: block starts; alpha's entry ran 3 times
    RAW = ("ffffffff81000100 30 3\n"
           "ffffffff81000110 12 2\n"
           "ffffffff81000200 50 5\n"
           "ffffffff81000480 7 1\n"
           "ffffffffc0000000 9 1\n"
           "user 1000\n")

    def fold(self, tmp):
        m, raw = os.path.join(tmp, "map"), os.path.join(tmp, "raw")
        with open(m, "w") as f:
            f.write(self.MAP)
        with open(raw, "w") as f:
            f.write(self.RAW)
        return tool("insn-report.py", "fold", m, raw)

    def test_fold(self):
        with tempfile.TemporaryDirectory() as tmp:
            rows = {name: (int(n), int(c)) for n, c, name in
                    (l.split() for l in self.fold(tmp).splitlines())}
        self.assertEqual(rows["alpha"], (42, 3))
        self.assertEqual(rows["beta"], (50, 5))
        # inside gamma but not its first instruction: no call
        self.assertEqual(rows["gamma"], (7, 0))
        self.assertEqual(rows["(user)"], (1000, 0))
        # far beyond the map's text: a module
        self.assertEqual(rows["(unknown)"], (9, 0))

    def test_diff(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.insn"), os.path.join(tmp, "b.insn")
            with open(a, "w") as f:
                f.write("3000000 1000 alpha\n1000000 10 beta\n"
                        "5000000 0 (user)\n")
            with open(b, "w") as f:
                f.write("1000000 1000 alpha\n4000000 20 beta\n"
                        "2000000 2000 delta\n9000000 0 (user)\n")
            out = tool("insn-report.py", "diff", "-n", "5", a, "--", b)
        self.assertIn("A 4.0 (1 runs), B 7.0 (1), B-A +3.0", out)
        grew, shrank = out.split("-- grew")[1].split("-- shrank")
        self.assertRegex(grew, r"3\.00\s+1\.00\s+4\.00\s+0\.0\s+0\.0\s+beta")
        self.assertIn("delta", grew)
        self.assertRegex(shrank, r"-2\.00\s+3\.00\s+1\.00\s+1\.0\s+1\.0"
                         r"\s+alpha")
        self.assertNotIn("(user)", grew + shrank)

    def test_total(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = os.path.join(tmp, "a.insn")
            with open(a, "w") as f:
                f.write("3000000 1000 alpha\n1000 10 (unknown)\n"
                        "5000000 0 (user)\n")
            self.assertEqual(tool("insn-report.py", "total", a), "3001000\n")

    # objdump -d --no-show-raw-insn, abridged
    LISTING = ("\nffffffff81000100 <alpha>:\n"
               "ffffffff81000100:\tpush   %rbp\n"
               "ffffffff81000101:\tcall   ffffffff81000200 <beta>\n"
               "ffffffff81000106:\ttest   %eax,%eax\n"
               "ffffffff81000108:\tje     ffffffff81000110 <alpha+0x10>\n"
               "ffffffff8100010a:\tcall   ffffffff81000200 <beta>\n"
               "ffffffff8100010f:\tret\n"
               "ffffffff81000110:\tjmp    ffffffff81000200 <beta>\n"
               "\nffffffff81000200 <beta>:\n"
               "ffffffff81000200:\tcall   ffffffff81000310 <gamma+0x10>\n"
               "ffffffff81000205:\tret\n")
    # alpha's entry block ran 10 times, one run translated short; the
    # block at 0x106 ends at the je, before the second call
    CALL_RAW = ("ffffffff81000100 19 10\n"
                "ffffffff81000106 20 10\n"
                "ffffffff8100010a 3 3\n"
                "ffffffff81000110 2 2\n"
                "ffffffff81000200 4 4\n"
                "user 5\n")

    def test_callers(self):
        with tempfile.TemporaryDirectory() as tmp:
            lst, raw = os.path.join(tmp, "lst"), os.path.join(tmp, "raw")
            with open(lst, "w") as f:
                f.write(self.LISTING)
            with open(raw, "w") as f:
                f.write(self.CALL_RAW)
            out = tool("insn-report.py", "callers", lst, raw, "beta,gamma")
        self.assertEqual(out.splitlines(), ["13 call alpha -> beta",
                                            "2 jmp alpha -> beta"])

    def test_bad_command_line(self):
        r = subprocess.run([sys.executable, "insn-report.py", "diff", "a"],
                           cwd=HERE, capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("insn-report.py diff", r.stderr)


class ProfileDiff(unittest.TestCase):
    def profile(self, path, rows):
        with open(path, "w") as f:
            f.write("== header\n 99.00%  1 [k] ignored\n== self\n")
            for pct, n, sym in rows:
                f.write(f"  {pct:.2f}%  {n}  [k] {sym}\n")

    def test_diff(self):
        with tempfile.TemporaryDirectory() as tmp:
            a1, a2, b = (os.path.join(tmp, n) for n in ("a1", "a2", "b"))
            self.profile(a1, [(50, 100, "alpha"), (40, 80, "default_idle")])
            self.profile(a2, [(50, 300, "alpha")])
            self.profile(b, [(50, 150, "alpha"), (10, 30, "beta")])
            out = tool("profile-diff.py", "-n", "3", a1, a2, "--", b)
        # alpha averages 200 on A; idle is left out of the busy samples
        self.assertIn("busy samples: A 200 (2 profiles), B 180 (1), "
                      "B/A 0.900", out)
        self.assertRegex(out, r"-- grew\n\s+30\s+0\s+30\s+beta")
        self.assertRegex(out, r"-- shrank\n\s+-50\s+200\s+150\s+alpha")
        self.assertNotIn("ignored", out)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__])
    stream = io.StringIO()
    result = unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
    sys.stdout.write(stream.getvalue())
    failed = len(result.failures) + len(result.errors) + \
        len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
