#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/run's reporting: RESULT lines -> JSON, markdown and plots.

  report.py brief --scenario S          one progress line from a guest
                                        run's RESULT lines (stdin)
  report.py scenario --scenario S --name N --input LINES ...
                                        results/N.json: every repetition,
                                        statistics, ratios, run metadata
  report.py summary --results DIR       summary.json, summary.md and the
                                        PNG plots from every N.json there

Input lines are "kernel=K rep=N key=value ..." (bench/run prefixes the
guest's RESULT lines); a failed guest run is "kernel=K rep=N failed=1".
"""
import argparse
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

KERNELS = ("vanilla", "vswap")
PAGESWAP_FILES = ("pageswap-zswap", "pageswap-disk", "pageswap-mixed",
                  "pageswap-ramdisk")
SCENARIO_FILES = PAGESWAP_FILES + ("fill", "swapoff", "metadata")


def num(v):
    try:
        return float(v) if any(c in v for c in ".e") else int(v)
    except ValueError:
        return v


def parse_line(line):
    return {k: num(v) for k, v in
            (kv.split("=", 1) for kv in line.split() if "=" in kv)}


def parse(path):
    with open(path) as f:
        return [r for r in (parse_line(l) for l in f) if r]


def stats(values):
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def med(s):
    return s["median"] if s else None


def ratio(a, b):
    return a / b if a is not None and b else None


# Resamples for ratio_interval(); the seed makes a report reproducible.
BOOTSTRAP_ROUNDS = 10000
BOOTSTRAP_SEED = 1


def ratio_interval(num_values, den_values, level=0.95):
    """Percentile bootstrap interval of median(num) / median(den).

    Each kernel's repetitions are resampled on their own, with
    replacement, BOOTSTRAP_ROUNDS times.  With 5 repetitions a side the
    interval is coarse (a resampled median is one of the 5 values), but
    it says what the min-max columns only hint at: whether a ratio's
    distance from 1.00 is larger than what the host's noise alone makes.
    Returns [low, high], or None without two values a side or with a zero
    median."""
    a = [v for v in num_values if isinstance(v, (int, float))]
    b = [v for v in den_values if isinstance(v, (int, float))]
    if len(a) < 2 or len(b) < 2:
        return None
    rng = random.Random(BOOTSTRAP_SEED)
    rs = []
    for _ in range(BOOTSTRAP_ROUNDS):
        d = statistics.median(rng.choices(b, k=len(b)))
        if not d:
            return None
        rs.append(statistics.median(rng.choices(a, k=len(a))) / d)
    rs.sort()
    tail = (1 - level) / 2
    return [rs[int(tail * (len(rs) - 1))],
            rs[int((1 - tail) * (len(rs) - 1))]]


def column(rows, key):
    return [r.get(key) for r in rows]


# ---------------------------------------------------------------- metadata

def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def sha1(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha1(f.read()).hexdigest()
    except OSError:
        return None


def config_info(path):
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return {"path": path, "sha1": None}
    keep = re.compile(r"CONFIG_(VIRTUAL_SWAP|SWAP|ZSWAP|ZSMALLOC|MEMCG|"
                      r"TRANSPARENT_HUGEPAGE|THP_SWAP|SLUB_DEBUG)\b")
    return {"path": path, "sha1": sha1(path),
            "relevant": [l for l in lines if keep.search(l)
                         and not l.startswith("# CONFIG_ZSWAP_COMPRESSOR")]}


def kernel_versions(logs):
    """The guest's /proc/version per kernel, from the job's KERNEL lines."""
    out = {}
    for log in logs:
        m = re.search(r"-(vanilla|vswap)-\d+\.log$", log)
        if not m or m.group(1) in out:
            continue
        try:
            with open(log, errors="replace") as f:
                for line in f:
                    if line.startswith("KERNEL "):
                        out[m.group(1)] = line[7:].strip()
                        break
        except OSError:
            pass
    return out


def kv_list(items):
    return dict(i.split("=", 1) for i in items or [])


# --------------------------------------------------------------- scenarios

def by_kernel(runs):
    return {k: [r for r in runs if r.get("kernel") == k and not r.get("failed")]
            for k in KERNELS}


def failed(runs):
    return {k: sum(1 for r in runs if r.get("kernel") == k and r.get("failed"))
            for k in KERNELS}


def metric_stats(rows, keys):
    return {key: stats(column(rows, key)) for key in keys}


# The counters whose sum is the pages a run moved: each page written to
# zswap or a device (zswap's writeback counts in pswpout too), each zero
# page swapped out without I/O, each page read back.
MOVED = ("pswpout", "zswpout", "swpout_zero", "pswpin", "zswpin")


def kinsn_per_page(rows):
    """Each run's kernel instructions over the pages it moved (None where
    it has no kinsn or moved nothing)."""
    out = []
    for r in rows:
        n = sum(r.get(k) or 0 for k in MOVED)
        k = r.get("kinsn")
        out.append(k / n if isinstance(k, (int, float)) and n else None)
    return out


def insn_figures(rows):
    """vanilla/vswap kernel instructions per run, from the kinsn= that
    bench/run adds under INSN_PROFILE (None without): above 1 when vswap
    executes fewer.  Exact counts, so the host's noise is not in them;
    the work still varies from boot to boot (how many pages reclaim
    pushes out and the workload reads back), which the same ratio per
    page moved takes out (boot and the workload's own kernel work stay
    in, spread over the pages)."""
    a, b = column(rows["vanilla"], "kinsn"), column(rows["vswap"], "kinsn")
    pa, pb = kinsn_per_page(rows["vanilla"]), kinsn_per_page(rows["vswap"])
    return {"kinsn_vanilla_over_vswap": ratio(med(stats(a)), med(stats(b))),
            "kinsn_vanilla_over_vswap_ci95": ratio_interval(a, b),
            "kinsn_per_page_vanilla_over_vswap": ratio(med(stats(pa)),
                                                       med(stats(pb))),
            "kinsn_per_page_vanilla_over_vswap_ci95": ratio_interval(pa, pb)}


def do_pageswap(runs):
    keys = ("ops_per_s", "usr", "sys", "real", "pswpout", "pswpin",
            "zswpout", "zswpin", "zswpwb", "swpout_zero", "disk_rio",
            "disk_wio", "pgmajfault", "swap_ra", "irq_loc", "irq_res",
            "irq_cal", "irq_tlb", "ctxt", "cpu_user", "cpu_sys",
            "cpu_idle", "cpu_iowait", "cpu_irq", "oom_kill", "kinsn")
    rows = by_kernel(runs)
    ks = {k: metric_stats(rows[k], keys) for k in rows}
    r = ratio(med(ks["vswap"]["ops_per_s"]), med(ks["vanilla"]["ops_per_s"]))
    ci = ratio_interval(column(rows["vswap"], "ops_per_s"),
                        column(rows["vanilla"], "ops_per_s"))
    return ks, dict({"ops_per_s_vswap_over_vanilla": r,
                     "ops_per_s_vswap_over_vanilla_ci95": ci},
                    **insn_figures(rows)), r


def do_fill(runs):
    keys = ("mbps", "write_mbps", "read_mbps", "free_s", "elapsed", "usr",
            "sys", "pswpout", "pswpin", "zswpout", "zswpin", "zswpwb",
            "memory_peak", "bad_pages", "kinsn")
    rows = by_kernel(runs)
    ks = {k: metric_stats(rows[k], keys) for k in rows}
    r = ratio(med(ks["vswap"]["mbps"]), med(ks["vanilla"]["mbps"]))
    fr = ratio(med(ks["vanilla"]["free_s"]), med(ks["vswap"]["free_s"]))
    ci = ratio_interval(column(rows["vswap"], "mbps"),
                        column(rows["vanilla"], "mbps"))
    fci = ratio_interval(column(rows["vanilla"], "free_s"),
                         column(rows["vswap"], "free_s"))
    return ks, dict({"mbps_vswap_over_vanilla": r,
                     "mbps_vswap_over_vanilla_ci95": ci,
                     "free_s_vanilla_over_vswap": fr,
                     "free_s_vanilla_over_vswap_ci95": fci},
                    **insn_figures(rows)), r


def do_swapoff(runs):
    keys = ("swapoff_s", "swapoff_sys", "swapoff_cpu", "data_swapped_kb",
            "swapcached_kb",
            "pswpin", "data_swapped_after_kb", "data_bad_pages")
    sizes = sorted({r["mapped_mib"] for r in runs if "mapped_mib" in r})
    ks = {k: {} for k in KERNELS}
    curve = []
    for k, rows in by_kernel(runs).items():
        for s in sizes:
            ks[k][str(s)] = metric_stats(
                [r for r in rows if r.get("mapped_mib") == s], keys)
    for s in sizes:
        van, vsw = ks["vanilla"][str(s)], ks["vswap"][str(s)]
        curve.append({"mapped_mib": s,
                      "vanilla_s": med(van["swapoff_s"]),
                      "vswap_s": med(vsw["swapoff_s"]),
                      "vanilla_over_vswap": ratio(med(van["swapoff_s"]),
                                                  med(vsw["swapoff_s"]))})
    head = curve[-1]["vanilla_over_vswap"] if curve else None
    ci = None
    if sizes:
        at = {k: column([r for r in rows if r.get("mapped_mib") == sizes[-1]],
                        "swapoff_s") for k, rows in by_kernel(runs).items()}
        ci = ratio_interval(at["vanilla"], at["vswap"])
    return ks, {"curve": curve, "largest_mapped_mib": sizes[-1] if sizes
                else None, "vanilla_over_vswap_at_largest": head,
                "vanilla_over_vswap_at_largest_ci95": ci}, head


DESC = "vswap_desc_bytes"

# Bytes per device slot that swapon allocates, by kernel: 6.12 has
# swap_map (1), swap_cgroup (2) and zeromap (1 bit); vswap keeps memcg and
# zero pages in its descriptors and allocates swap_map only.
DEVICE_TABLE_BYTES = {"vanilla": 3 + 1 / 8, "vswap": 1}
# the metadata cases: zswap-backed, disk-backed, zero-filled pages
META_CASES = ("zswap", "disk", "zero")
DEVICE_TABLES = {"vanilla": "swap_map 1 B + swap_cgroup 2 B + zeromap 1 bit",
                 "vswap": "swap_map 1 B"}


def meta_case(kernel, swapon, row):
    """Bytes of kernel memory per swapped page, for one case of one run
    on @kernel; swapon: the row with that case's swapon measurements (the
    same row since each case has its own swapon)."""
    pages = row.get("swapped_kb", 0) // 4
    slots = swapon.get("slots", 0)
    dyn = row.get("slab_bytes", 0) + 1024 * row.get("vmalloc_kb", 0)
    formula = slots * DEVICE_TABLE_BYTES[kernel]
    measured_static = 1024 * swapon.get("swapon_memfree_kb", 0)
    d = None
    if isinstance(row.get("after." + DESC), int) and \
            isinstance(row.get("before." + DESC), int):
        d = row["after." + DESC] - row["before." + DESC]
    if not pages:
        return None
    out = {
        "pages": pages,
        "device_slots": slots,
        "dynamic_bytes_per_page": dyn / pages,
        "static_formula_bytes_per_page": formula / pages,
        "static_measured_bytes_per_page": measured_static / pages,
        "vswap_desc_bytes_per_page": d / pages if d is not None else None,
        "zswap_pool_bytes_per_page": 1024 * row.get("zswap_pool_kb", 0) / pages,
        "vswap_slots": None,
        "slab_by_cache": {k[5:]: v / pages for k, v in row.items()
                          if k.startswith("slab.") and isinstance(v, int)},
    }
    live = [row.get(f"{w}.vswap_{b}") for w in ("before", "after")
            for b in ("none", "zero", "zswap", "phys", "folio")]
    if all(isinstance(v, int) for v in live):
        out["vswap_slots"] = sum(live[5:]) - sum(live[:5])
    return out


def do_metadata(runs):
    per = {k: {c: [] for c in META_CASES} for k in KERNELS}
    for k, rows in by_kernel(runs).items():
        for rep in sorted({r["rep"] for r in rows}):
            mine = [r for r in rows if r["rep"] == rep]
            for r in mine:
                if r.get("case") in META_CASES:
                    c = meta_case(k, r, r)
                    if c:
                        per[k][r["case"]].append(c)
    ks = {k: {} for k in KERNELS}
    figures = {}
    for k in KERNELS:
        for case, cs in per[k].items():
            s = {key: stats([c[key] for c in cs if c[key] is not None])
                 for key in ("dynamic_bytes_per_page",
                             "static_formula_bytes_per_page",
                             "static_measured_bytes_per_page",
                             "vswap_desc_bytes_per_page",
                             "zswap_pool_bytes_per_page", "pages",
                             "vswap_slots")}
            caches = sorted({n for c in cs for n in c["slab_by_cache"]})
            s["slab_bytes_per_page_by_cache"] = {
                n: statistics.median([c["slab_by_cache"].get(n, 0)
                                      for c in cs]) for n in caches}
            # the headline: see bench/README.md, "metadata"
            dyn, st = med(s["dynamic_bytes_per_page"]), \
                med(s["static_formula_bytes_per_page"])
            s["bytes_per_page"] = dyn + st if dyn is not None and \
                st is not None else None
            ks[k][case] = s
            figures[f"{k}_{case}"] = s["bytes_per_page"]
            if k == "vswap":
                figures[f"vswap_{case}_desc"] = med(
                    s["vswap_desc_bytes_per_page"])
    return ks, figures, None


HANDLERS = {"pageswap": do_pageswap, "fill": do_fill, "swapoff": do_swapoff,
            "metadata": do_metadata}


def cmd_scenario(a):
    runs = parse(a.input)
    ks, figures, headline = HANDLERS[a.scenario](runs)
    fails = failed(runs)
    params = kv_list(a.params)
    doc = {
        "scenario": a.scenario, "name": a.name, "params": params,
        "guest": kv_list(a.guest),
        "repetitions": a.reps, "order": "interleaved and counterbalanced: "
        "vanilla, vswap, vswap, vanilla, vanilla, vswap, ... (each "
        "repetition a fresh guest boot)",
        "commit": a.commit, "host_cpu": host_cpu(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "kernels": {k: {"image": kv_list(a.kernel_source).get(k, p),
                        "image_sha1": sha1(p)}
                    for k, p in kv_list(a.kernel).items()},
        "kernel_configs": {k: dict(config_info(p), path=kv_list(
            a.config_source).get(k, p)) for k, p in kv_list(a.config).items()},
        "guest_kernel_version": kernel_versions(a.logs),
        "failed_runs": fails,
        "stats": ks, "figures": figures,
        "runs": runs,
    }
    os.makedirs(a.results, exist_ok=True)
    with open(os.path.join(a.results, a.name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
    print(f"  RESULT  {a.name}: {headline_text(doc)}")
    complete = not any(fails.values()) and all(
        any(r.get("kernel") == k for r in runs) for k in KERNELS)
    return 0 if complete else 1


def fmt(v, spec=".3f"):
    return "n/a" if v is None else format(v, spec)


def ci_text(ci):
    return f" (95% {fmt(ci[0])}-{fmt(ci[1])})" if ci else ""


def headline_text(d):
    s, f = d["stats"], d["figures"]
    sc = d["scenario"]
    if sc == "pageswap":
        return (f"ops/s vanilla {fmt(med(s['vanilla']['ops_per_s']), '.0f')}, "
                f"vswap {fmt(med(s['vswap']['ops_per_s']), '.0f')}, "
                f"vswap/vanilla {fmt(f['ops_per_s_vswap_over_vanilla'])}"
                f"{ci_text(f.get('ops_per_s_vswap_over_vanilla_ci95'))}")
    if sc == "fill":
        return (f"MB/s vanilla {fmt(med(s['vanilla']['mbps']), '.1f')}, "
                f"vswap {fmt(med(s['vswap']['mbps']), '.1f')}, "
                f"vswap/vanilla {fmt(f['mbps_vswap_over_vanilla'])}"
                f"{ci_text(f.get('mbps_vswap_over_vanilla_ci95'))}; "
                f"free vanilla/vswap {fmt(f['free_s_vanilla_over_vswap'])}")
    if sc == "swapoff":
        return "; ".join(f"{c['mapped_mib']}M: {fmt(c['vanilla_s'])}s/"
                         f"{fmt(c['vswap_s'])}s = "
                         f"{fmt(c['vanilla_over_vswap'])}"
                         for c in f["curve"]) + " (vanilla/vswap)"
    if sc == "metadata":
        return ", ".join(f"{k} {fmt(v, '.1f')}" for k, v in f.items()) + \
            " bytes/page"
    return ""


# ------------------------------------------------------------------- brief

def cmd_brief(a):
    rows = [parse_line(l) for l in sys.stdin if l.strip()]
    if not rows:
        print("no result")
        return 0
    if any(r.get("failed") for r in rows):
        print(f"FAILED ({rows[0].get('log', '')})")
        return 0
    g = f"[{rows[0].get('guest_s', '?')}s]"
    r = rows[0]
    if a.scenario == "pageswap":
        print(f"{r.get('ops_per_s')} ops/s  usr {r.get('usr')} sys "
              f"{r.get('sys')}  zswpout {r.get('zswpout')} zswpwb "
              f"{r.get('zswpwb')} pswpout {r.get('pswpout')} {g}")
    elif a.scenario == "fill":
        print(f"{r.get('mbps')} MB/s (w {r.get('write_mbps')}, r "
              f"{r.get('read_mbps')})  free {r.get('free_s')}s  zswpwb "
              f"{r.get('zswpwb')} pswpout {r.get('pswpout')} {g}")
    elif a.scenario == "swapoff":
        sizes = {}
        for x in rows:
            sizes.setdefault(x.get("mapped_mib"), []).append(
                str(x.get("swapoff_s")))
        bad = sum(x.get("data_bad_pages", 0) for x in rows)
        print("  ".join(f"{m}M {'/'.join(v)}s" for m, v in sizes.items()) +
              (f"  DATA CORRUPTED ({bad} pages)" if bad else "") + f"  {g}")
    elif a.scenario == "metadata":
        print("  ".join(
            f"{x.get('case')}: swapon {x.get('swapon_memfree_kb')} kB, "
            f"{x.get('swapped_kb', 0) // 4} pages, slab "
            f"{x.get('slab_bytes')} B" for x in rows) + f"  {g}")
    return 0


# ----------------------------------------------------------------- summary

def load(results):
    docs = {}
    for name in SCENARIO_FILES:
        p = os.path.join(results, name + ".json")
        if os.path.exists(p):
            with open(p) as f:
                d = json.load(f)
            if "stats" not in d:    # not the format of an older bench/run
                continue
            # Figures this bench/run adds since the file was written (the
            # intervals) come from the repetitions the file holds.
            if d.get("scenario") in HANDLERS and d.get("runs"):
                _, figures, _ = HANDLERS[d["scenario"]](d["runs"])
                for k, v in figures.items():
                    d["figures"].setdefault(k, v)
            docs[name] = d
    return docs


# Headline keys with a target, and the figure holding each one's interval.
TARGETS = {
    "pageswap_ratio_zswap": (1.0, "pageswap-zswap",
                             "ops_per_s_vswap_over_vanilla_ci95"),
    "pageswap_ratio_disk": (1.0, "pageswap-disk",
                            "ops_per_s_vswap_over_vanilla_ci95"),
    "pageswap_ratio_mixed": (1.0, "pageswap-mixed",
                             "ops_per_s_vswap_over_vanilla_ci95"),
    "fill_ratio": (1.0, "fill", "mbps_vswap_over_vanilla_ci95"),
    "swapoff_ratio_max": (5.0, "swapoff",
                          "vanilla_over_vswap_at_largest_ci95"),
}


# Headline keys with an upper bound: the issue's "at most 16 bytes per
# swapped page for zswap and zero entries", held against what vswap adds
# per page, its descriptors (the kernel's vswap_desc_bytes gauge; zswap and
# zero pages have no device slot, so no reverse-map entry).  The
# metadata_bytes_per_page_* totals also count what both kernels allocate
# (zswap's own entry, the swap cache's nodes): see bench/README.md.
CEILINGS = {
    "metadata_desc_bytes_per_page_zswap": 16.0,
    "metadata_desc_bytes_per_page_zero": 16.0,
}


def ceiling_verdict(value, limit):
    """Met or missed for a figure that must stay at or under @limit."""
    if value is None:
        return "not measured"
    return "met" if value <= limit else "missed"


def intervals(docs):
    """The 95% bootstrap interval of each headline ratio that has one."""
    out = {}
    for key, (_, name, fig) in TARGETS.items():
        if name in docs and docs[name]["figures"].get(fig):
            out[key] = docs[name]["figures"][fig]
    out["fill_free_ratio"] = (docs["fill"]["figures"].get(
        "free_s_vanilla_over_vswap_ci95") if "fill" in docs else None)
    for key, (name, fig) in INSN_KEYS.items():
        if name in docs:
            out[key] = docs[name]["figures"].get(fig + "_ci95")
    return {k: v for k, v in out.items() if v}


def same_image(docs):
    """Names of the scenarios whose two sides booted one and the same
    kernel image (an A/A run, say BENCH_KERNELS_DIR with one image under
    both names): their ratios measure the host's noise, not a kernel."""
    out = []
    for n, d in docs.items():
        shas = {(d.get("kernels") or {}).get(k, {}).get("image_sha1")
                for k in KERNELS}
        if len(shas) == 1 and None not in shas:
            out.append(n)
    return sorted(out)


def verdict(value, target, ci):
    """Met or missed, and whether the host's noise could have decided it:
    the interval of a ratio whose median misses may still reach the
    target, and the other way round."""
    if value is None:
        return "not measured"
    met = value >= target
    if not ci:
        return "met" if met else "missed"
    if met:
        return "met" if ci[0] >= target else "met, within noise"
    return "missed" if ci[1] < target else "missed, within noise"


def summary_keys(docs):
    def fig(name, key):
        return docs[name]["figures"].get(key) if name in docs else None

    return {
        "pageswap_ratio_zswap": fig("pageswap-zswap",
                                    "ops_per_s_vswap_over_vanilla"),
        "pageswap_ratio_disk": fig("pageswap-disk",
                                   "ops_per_s_vswap_over_vanilla"),
        "pageswap_ratio_mixed": fig("pageswap-mixed",
                                    "ops_per_s_vswap_over_vanilla"),
        "pageswap_ratio_ramdisk": fig("pageswap-ramdisk",
                                      "ops_per_s_vswap_over_vanilla"),
        "fill_ratio": fig("fill", "mbps_vswap_over_vanilla"),
        "fill_free_ratio": fig("fill", "free_s_vanilla_over_vswap"),
        "swapoff_ratio_max": fig("swapoff", "vanilla_over_vswap_at_largest"),
        "metadata_bytes_per_page_zswap": fig("metadata", "vswap_zswap"),
        "metadata_bytes_per_page_disk": fig("metadata", "vswap_disk"),
        "metadata_bytes_per_page_zswap_vanilla": fig("metadata",
                                                     "vanilla_zswap"),
        "metadata_bytes_per_page_disk_vanilla": fig("metadata",
                                                    "vanilla_disk"),
        "metadata_bytes_per_page_zero": fig("metadata", "vswap_zero"),
        "metadata_bytes_per_page_zero_vanilla": fig("metadata",
                                                    "vanilla_zero"),
        "metadata_desc_bytes_per_page_zswap": fig("metadata",
                                                  "vswap_zswap_desc"),
        "metadata_desc_bytes_per_page_zero": fig("metadata",
                                                 "vswap_zero_desc"),
    }


# The scenarios whose runs carry kinsn= under INSN_PROFILE.
INSN_SCENARIOS = PAGESWAP_FILES + ("fill",)


# Kernel instructions, vanilla/vswap, where INSN_PROFILE counted them: per
# run, and per page moved.  Key -> (scenario, figure).
def insn_key_names():
    keys = {}
    for n in INSN_SCENARIOS:
        pre = "fill_insn_" if n == "fill" else "pageswap_insn_"
        suf = "" if n == "fill" else "_" + n.split("-")[1]
        keys[pre + "ratio" + suf] = (n, "kinsn_vanilla_over_vswap")
        keys[pre + "page_ratio" + suf] = (n,
                                          "kinsn_per_page_vanilla_over_vswap")
    return keys


INSN_KEYS = insn_key_names()


def insn_keys(docs):
    return {k: docs[n]["figures"].get(fig) if n in docs else None
            for k, (n, fig) in INSN_KEYS.items()}


def gnuplot(script, results):
    if not shutil.which("gnuplot"):
        return False
    r = subprocess.run(["gnuplot"], input=script, text=True, cwd=results,
                       capture_output=True)
    if r.returncode:
        print("  gnuplot: " + r.stderr.strip(), file=sys.stderr)
    return r.returncode == 0


PLOT_HEAD = """set terminal pngcairo size 800,480 font 'sans,10'
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set key top right
set grid ytics
set yrange [0:*]
"""


def bar_rows(rows):
    """rows: (label, vanilla stats, vswap stats) -> gnuplot data lines"""
    out = []
    for label, v, w in rows:
        if not v or not w:
            continue
        out.append(f'"{label}" {v["median"]} {v["min"]} {v["max"]} '
                   f'{w["median"]} {w["min"]} {w["max"]}')
    return "\n".join(out)


def plots(docs, results):
    made = []
    pw = [(n.split("-")[1], docs[n]["stats"]["vanilla"]["ops_per_s"],
           docs[n]["stats"]["vswap"]["ops_per_s"])
          for n in PAGESWAP_FILES
          if n in docs]
    if pw:
        data = bar_rows(pw)
        if data and gnuplot(PLOT_HEAD + f"""set output 'pageswap.png'
set title 'stress-ng --pageswap: bogo ops/s (median, min-max)'
set ylabel 'bogo ops/s'
$d << EOD
{data}
EOD
plot $d using 2:3:4:xtic(1) title 'vanilla', '' using 5:6:7 title 'vswap'
""", results):
            made.append("pageswap.png")
    if "fill" in docs:
        s = docs["fill"]["stats"]
        d1 = bar_rows([("write+read", s["vanilla"]["mbps"], s["vswap"]["mbps"]),
                       ("write", s["vanilla"]["write_mbps"],
                        s["vswap"]["write_mbps"]),
                       ("read", s["vanilla"]["read_mbps"],
                        s["vswap"]["read_mbps"])])
        d2 = bar_rows([("exit", s["vanilla"]["free_s"], s["vswap"]["free_s"])])
        if d1 and d2 and gnuplot(PLOT_HEAD + f"""set output 'fill.png'
set multiplot layout 1,2 title 'fill (usemem-style), median and min-max'
$a << EOD
{d1}
EOD
$b << EOD
{d2}
EOD
set ylabel 'MB/s'
plot $a using 2:3:4:xtic(1) title 'vanilla', '' using 5:6:7 title 'vswap'
set ylabel 'seconds to free at exit'
plot $b using 2:3:4:xtic(1) title 'vanilla', '' using 5:6:7 title 'vswap'
unset multiplot
""", results):
            made.append("fill.png")
    if "swapoff" in docs:
        s = docs["swapoff"]["stats"]
        lines = []
        for c in docs["swapoff"]["figures"]["curve"]:
            v, w = s["vanilla"][str(c["mapped_mib"])]["swapoff_s"], \
                s["vswap"][str(c["mapped_mib"])]["swapoff_s"]
            if v and w:
                lines.append(f'{c["mapped_mib"]} {v["median"]} {v["min"]} '
                             f'{v["max"]} {w["median"]} {w["min"]} '
                             f'{w["max"]} {v["median"] / w["median"]}')
        if lines and gnuplot(f"""set terminal pngcairo size 800,480 font 'sans,10'
set output 'swapoff.png'
set title 'swapoff of {docs["swapoff"]["params"].get("data", "?")} on disk against memory mapped by other processes'
set xlabel 'MiB mapped by other processes (not on the device)'
set ylabel 'swapoff seconds (median, min-max)'
set y2label 'vanilla / vswap'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set xrange [-64:*]
set grid
set key tmargin horizontal center
$d << EOD
{chr(10).join(lines)}
EOD
plot $d using 1:2:3:4 with yerrorlines title 'vanilla', \\
     '' using 1:5:6:7 with yerrorlines title 'vswap', \\
     '' using 1:8 axes x1y2 with linespoints dt 2 title 'ratio vanilla/vswap (right)'
""", results):
            made.append("swapoff.png")
    if "metadata" in docs:
        s = docs["metadata"]["stats"]
        rows = []
        for case in META_CASES:
            v = s["vanilla"].get(case, {}).get("bytes_per_page")
            w = s["vswap"].get(case, {}).get("bytes_per_page")
            rows.append(f'"{case}" {fmt(v, ".2f").replace("n/a", "NaN")} '
                        f'{fmt(w, ".2f").replace("n/a", "NaN")}')
        if gnuplot(f"""set terminal pngcairo size 800,480 font 'sans,10'
set output 'metadata.png'
set style data histogram
set style histogram clustered gap 2
set style fill solid 0.6 border -1
set grid ytics
set yrange [0:*]
set title 'kernel memory per swapped-out page (median; see summary.md)'
set ylabel 'bytes per page'
$d << EOD
{chr(10).join(rows)}
EOD
plot $d using 2:xtic(1) title 'vanilla', '' using 3 title 'vswap'
""", results):
            made.append("metadata.png")
    return made


def stat_cells(st, spec):
    if not st:
        return "n/a | | "
    return (f"{format(st['median'], spec)} | {format(st['min'], spec)} | "
            f"{format(st['max'], spec)}")


def md_runinfo(d):
    cfg = d.get("kernel_configs", {})
    ver = d.get("guest_kernel_version", {})
    g = d.get("guest", {})
    lines = [f"commit {d['commit']}, {d['date']}, {d['repetitions']} "
             f"repetitions, guest {g.get('mem')} RAM, {g.get('vcpus')} vCPUs, "
             f"{g.get('disks')} x {g.get('disksize')} disk, TCG; params: " +
             ", ".join(f"{k}={v}" for k, v in d.get("params", {}).items())]
    fails = d.get("failed_runs", {})
    if any(fails.values()):
        lines.append(f"**failed runs**: {fails}")
    for k in KERNELS:
        c = cfg.get(k, {})
        img = d.get("kernels", {}).get(k, {})
        lines.append(f"{k}: image sha1 {str(img.get('image_sha1'))[:12]}, "
                     f"config sha1 {str(c.get('sha1'))[:12]}, "
                     f"{ver.get(k, 'kernel version not recorded')}")
    return "\n".join(f"<sub>{l}</sub>  " for l in lines) + "\n"


def insn_rows(docs, names, fig, values, spec):
    """One table row per scenario: each kernel's @values(rows) and the
    ratio @fig with its interval."""
    out = []
    for n in names:
        d = docs[n]
        # from the runs: a file written before kinsn has no stats of it
        rows = by_kernel(d["runs"])
        st = {k: stats(values(rows[k])) for k in KERNELS}
        iv = d["figures"].get(fig + "_ci95")
        out.append(f"| {n} | {stat_cells(st['vanilla'], spec)} | "
                   f"{stat_cells(st['vswap'], spec)} | "
                   f"{fmt(d['figures'].get(fig), '.4f')} | "
                   f"{fmt(iv[0], '.4f') + '-' + fmt(iv[1], '.4f') if iv else ''} |")
    return out


def insn_md(docs):
    """The kernel instructions of each scenario INSN_PROFILE counted."""
    names = [n for n in INSN_SCENARIOS if n in docs and
             docs[n]["figures"].get("kinsn_vanilla_over_vswap")]
    if not names:
        return []
    head = ["|---|---|---|---|---|---|---|---|---|"]
    out = ["## Kernel instructions per run (INSN_PROFILE)", "",
           "Exact counts of every kernel instruction the guest executed, "
           "boot included, by bench/insncount.so; the ratio is "
           "vanilla/vswap, so above 1.00 vswap executed fewer.  The host's "
           "speed is not in these figures; the interval comes from how the "
           "work itself varies from boot to boot.", "",
           "| scenario | vanilla M median | min | max | vswap M median | "
           "min | max | vanilla/vswap | 95% interval |"] + head
    out += insn_rows(docs, names, "kinsn_vanilla_over_vswap",
                     lambda rows: [v / 1e6 for v in column(rows, "kinsn")
                                   if v], ".1f")
    out += ["", "Per page moved: the same count over the pages each run "
            "swapped out and read back (" + " + ".join(MOVED) + "), "
            "which takes out how much swapping reclaim and the workload "
            "happened to do in a run.", "",
            "| scenario | vanilla k/page median | min | max | "
            "vswap k/page median | min | max | vanilla/vswap | "
            "95% interval |"] + head
    out += insn_rows(docs, names, "kinsn_per_page_vanilla_over_vswap",
                     lambda rows: [v / 1e3 for v in kinsn_per_page(rows)
                                   if v], ".2f")
    return out + [""]


def summary_md(docs, keys, made):
    out = ["# Benchmark summary", "",
           "Written by `make bench` (bench/run).  Every figure comes from a "
           "qemu TCG guest on a shared 2-core host, so absolute numbers say "
           "little; what counts is the ratio of the two kernels measured in "
           "the same run, and the spread (min-max) tells how far to trust "
           "it.  bench/README.md explains each scenario and its "
           "caveats.", ""]
    any_doc = next(iter(docs.values()), None)
    if any_doc:
        out += [f"Host CPU: {any_doc['host_cpu']}.", ""]
    counted = sorted(n for n, d in docs.items()
                     if d.get("guest", {}).get("icount_shift"))
    if counted:
        out += ["**Instruction-counted clock.**  " + ", ".join(counted) +
                " ran with `ICOUNT` (qemu -icount): the guest's clock "
                "follows the instructions it executes and jumps ahead "
                "whenever it is idle, so the times, rates and their ratios "
                "of these scenarios are not real-time results and no "
                "verdict on them means anything.  Their instruction counts "
                "(below, under `INSN_PROFILE`) are exact.", ""]
    same = same_image(docs)
    if same:
        out += ["**The same kernel on both sides.**  " + ", ".join(same) +
                " booted one kernel image as both \"vanilla\" and "
                "\"vswap\": the run calibrates the host's noise (an A/A "
                "run), it compares no kernels.  Its ratios show how far "
                "from 1.00 noise alone moves a ratio; no verdict on them "
                "means anything.", ""]
    ivs = intervals(docs)
    out += ["## Headline figures", "",
            "The interval is a 95% percentile bootstrap of the ratio of "
            "medians (each kernel's repetitions resampled on their own); "
            "\"within noise\" means it reaches across the target, so the "
            "repetitions cannot tell met from missed.", "",
            "| key | value | 95% interval | target | verdict |",
            "|---|---|---|---|---|"]
    for k, v in keys.items():
        iv = ivs.get(k)
        cell = f"{fmt(iv[0])}-{fmt(iv[1])}" if iv else ""
        if k in TARGETS:
            t = TARGETS[k][0]
            if TARGETS[k][1] in counted:
                vd = "none: instruction-counted clock"
            elif TARGETS[k][1] in same:
                vd = "none: the same kernel on both sides"
            else:
                vd = verdict(v, t, iv)
            out.append(f"| {k} | {fmt(v)} | {cell} | >= {t:.2f} | {vd} |")
        elif k in CEILINGS:
            t = CEILINGS[k]
            out.append(f"| {k} | {fmt(v)} | {cell} | <= {t:.2f} | "
                       f"{ceiling_verdict(v, t)} |")
        else:
            out.append(f"| {k} | {fmt(v)} | {cell} | | |")
    if any(keys.get(k) is not None for k in CEILINGS):
        out += ["", "The metadata target is held against what vswap adds "
                "per page, its descriptors (`metadata_desc_*`, the "
                "kernel's vswap_desc_bytes); the `metadata_bytes_*` totals "
                "also count what both kernels allocate for a swapped page "
                "(zswap's own entry, the swap cache's nodes, the device's "
                "tables by capacity): see bench/README.md, metadata."]
    out += [""] + insn_md(docs)

    pw = [n for n in PAGESWAP_FILES
          if n in docs]
    if pw:
        out += ["## pageswap: stress-ng --pageswap", "",
                "| backend | kernel | ops/s median | min | max | usr s | "
                "sys s | zswpout | zswpwb | pswpout |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for n in pw:
            d = docs[n]
            for k in KERNELS:
                s = d["stats"][k]
                out.append(f"| {d['params'].get('backend')} | {k} | "
                           f"{stat_cells(s['ops_per_s'], '.0f')} | "
                           f"{fmt(med(s['usr']), '.2f')} | "
                           f"{fmt(med(s['sys']), '.2f')} | "
                           f"{fmt(med(s['zswpout']), '.0f')} | "
                           f"{fmt(med(s['zswpwb']), '.0f')} | "
                           f"{fmt(med(s['pswpout']), '.0f')} |")
            out.append(f"| {d['params'].get('backend')} | **vswap/vanilla** |"
                       f" **{fmt(d['figures']['ops_per_s_vswap_over_vanilla'])}"
                       f"**{ci_text(d['figures'].get('ops_per_s_vswap_over_vanilla_ci95'))}"
                       f" | | | | | | | |")
        out += [""] + [md_runinfo(docs[n]) for n in pw]
        if "pageswap.png" in made:
            out += ["![pageswap](pageswap.png)", ""]

    if "fill" in docs:
        d = docs["fill"]
        out += ["## fill: usemem-style write, verify, exit", "",
                "| kernel | write+read MB/s median | min | max | write MB/s |"
                " read MB/s | free at exit s median | min | max |",
                "|---|---|---|---|---|---|---|---|---|"]
        for k in KERNELS:
            s = d["stats"][k]
            out.append(f"| {k} | {stat_cells(s['mbps'], '.1f')} | "
                       f"{fmt(med(s['write_mbps']), '.1f')} | "
                       f"{fmt(med(s['read_mbps']), '.1f')} | "
                       f"{stat_cells(s['free_s'], '.3f')} |")
        f = d["figures"]
        out += [f"| **vswap/vanilla** | **{fmt(f['mbps_vswap_over_vanilla'])}"
                f"**{ci_text(f.get('mbps_vswap_over_vanilla_ci95'))}"
                f" | | | | | vanilla/vswap **"
                f"{fmt(f['free_s_vanilla_over_vswap'])}**"
                f"{ci_text(f.get('free_s_vanilla_over_vswap_ci95'))} | | |",
                "",
                md_runinfo(d)]
        if "fill.png" in made:
            out += ["![fill](fill.png)", ""]

    if "swapoff" in docs:
        d = docs["swapoff"]
        out += ["## swapoff: time against memory mapped elsewhere", "",
                "| MiB mapped | vanilla s median | min | max | vswap s median"
                " | min | max | vanilla/vswap | caller sys s vanilla | vswap"
                " | all CPUs busy s vanilla | vswap |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for c in d["figures"]["curve"]:
            m = str(c["mapped_mib"])
            sv = d['stats']['vanilla'][m]
            sw = d['stats']['vswap'][m]
            out.append(f"| {m} | "
                       f"{stat_cells(sv['swapoff_s'], '.3f')}"
                       f" | {stat_cells(sw['swapoff_s'], '.3f')}"
                       f" | {fmt(c['vanilla_over_vswap'])} | "
                       f"{fmt(med(sv.get('swapoff_sys')), '.3f')} | "
                       f"{fmt(med(sw.get('swapoff_sys')), '.3f')} | "
                       f"{fmt(med(sv.get('swapoff_cpu')), '.2f')} | "
                       f"{fmt(med(sw.get('swapoff_cpu')), '.2f')} |")
        out += ["", "Time is the wall time of swapoff(2), the figure "
                "compared.  Caller sys is the swapoff task's own system "
                "time (exact, but without the kernel workers that help "
                "vswap's swapoff); all CPUs busy is /proc/stat's busy time "
                "of every CPU meanwhile (helpers included, but sampled by "
                "the tick: on this TCG guest it reads below the caller's "
                "own time for vanilla, so it is shown, not compared)."]
        bad = sum(r.get("data_bad_pages", 0) for r in d["runs"])
        if bad:
            out += ["", f"**Warning**: after swapoff, {bad} pages of data "
                    "read back wrong (data_bad_pages in swapoff.json)."]
        out += ["", md_runinfo(d)]
        if "swapoff.png" in made:
            out += ["![swapoff](swapoff.png)", ""]

    if "metadata" in docs:
        d = docs["metadata"]
        out += ["## metadata: kernel memory per swapped-out page", "",
                "bytes per page = device tables by capacity (per slot of "
                "the device, over the pages swapped: vanilla "
                f"{DEVICE_TABLES['vanilla']}, vswap {DEVICE_TABLES['vswap']}) "
                "+ slab and vmalloc growth "
                "measured across the swap-out; the measured swapon cost and "
                "the kernel's own vswap_desc_bytes are shown for comparison "
                "(bench/README.md).", "",
                "| case | kernel | pages | bytes/page | static (formula) |"
                " static (measured at swapon) | dynamic (slab+vmalloc) |"
                " vswap_desc_bytes/page | vswap slots | zswap pool/page |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for case in META_CASES:
            for k in KERNELS:
                s = d["stats"][k].get(case)
                if not s:
                    continue
                out.append(
                    f"| {case} | {k} | {fmt(med(s['pages']), '.0f')} | "
                    f"**{fmt(s['bytes_per_page'], '.2f')}** | "
                    f"{fmt(med(s['static_formula_bytes_per_page']), '.2f')} | "
                    f"{fmt(med(s['static_measured_bytes_per_page']), '.2f')} | "
                    f"{fmt(med(s['dynamic_bytes_per_page']), '.2f')} | "
                    f"{fmt(med(s['vswap_desc_bytes_per_page']), '.2f')} | "
                    f"{fmt(med(s['vswap_slots']), '.0f')} | "
                    f"{fmt(med(s['zswap_pool_bytes_per_page']), '.0f')} |")
        out += ["", "Slab growth by cache, bytes per page (median; caches "
                "that moved by 4 KiB or more):", ""]
        for case in META_CASES:
            for k in KERNELS:
                s = d["stats"][k].get(case)
                if not s:
                    continue
                by = sorted(s.get("slab_bytes_per_page_by_cache", {}).items(),
                            key=lambda kv: -abs(kv[1]))
                out.append(f"- {case}, {k}: " + ", ".join(
                    f"{n} {v:.1f}" for n, v in by if abs(v) >= 0.05))
        for k in KERNELS:
            s = d["stats"][k].get("zswap", {})
            mv = med(s.get("static_measured_bytes_per_page"))
            fv = med(s.get("static_formula_bytes_per_page"))
            pages = med(s.get("pages"))
            if None in (mv, fv, pages) or not pages:
                continue
            # swapon also allocates a little beyond the tables (cluster
            # table, address spaces): allow 256 KiB or a quarter.
            if abs(mv - fv) > max(0.25 * fv, 262144 / pages):
                out += ["", f"**Warning**: swapon allocates {mv:.1f} bytes "
                        f"per swapped page on {k} (measured) against "
                        f"{fv:.1f} by the formula ({DEVICE_TABLES[k]} per "
                        "slot): the formula no longer fits that kernel; "
                        "see bench/README.md."]
        out += ["", md_runinfo(d)]
        if "metadata.png" in made:
            out += ["![metadata](metadata.png)", ""]
    return "\n".join(out) + "\n"


def cmd_summary(a):
    docs = load(a.results)
    keys = summary_keys(docs)
    made = plots(docs, a.results)
    heads = dict(keys, **insn_keys(docs))
    summary = dict(heads)
    summary["intervals_ci95"] = intervals(docs)
    summary["scenarios"] = {n: {"commit": d["commit"], "date": d["date"],
                                "repetitions": d["repetitions"]}
                            for n, d in docs.items()}
    with open(os.path.join(a.results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(os.path.join(a.results, "summary.md"), "w") as f:
        f.write(summary_md(docs, keys, made))
    ivs = summary["intervals_ci95"]
    for k, v in heads.items():
        iv = ivs.get(k)
        print(f"  {k:40s} {fmt(v)}" +
              (f"  (95% {fmt(iv[0])}-{fmt(iv[1])})" if iv else ""))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("brief")
    b.add_argument("--scenario", required=True)
    s = sub.add_parser("scenario")
    s.add_argument("--scenario", required=True, choices=HANDLERS)
    s.add_argument("--name", required=True)
    s.add_argument("--input", required=True)
    s.add_argument("--results", required=True)
    s.add_argument("--reps", type=int)
    s.add_argument("--commit")
    s.add_argument("--guest", nargs="*")
    s.add_argument("--params", nargs="*")
    s.add_argument("--kernel", nargs="*")
    s.add_argument("--config", nargs="*")
    s.add_argument("--kernel-source", nargs="*", default=[])
    s.add_argument("--config-source", nargs="*", default=[])
    s.add_argument("--logs", nargs="*", default=[])
    m = sub.add_parser("summary")
    m.add_argument("--results", required=True)
    a = ap.parse_args()
    return {"brief": cmd_brief, "scenario": cmd_scenario,
            "summary": cmd_summary}[a.cmd](a)


if __name__ == "__main__":
    raise SystemExit(main())
