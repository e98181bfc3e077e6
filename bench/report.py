#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the RESULT lines of one bench/run scenario into JSON and markdown.

Input: one line per repetition, "kernel=K rep=N key=value ...".  Output in
the results directory: SCENARIO-BACKEND.json with every repetition and the
statistics, summary.json updated with this scenario's headline ratio, and
summary.md rebuilt from every SCENARIO-*.json present.
"""
import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import time


def parse(path):
    runs = []
    with open(path) as f:
        for line in f:
            fields = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
            if not fields:
                continue
            for k, v in fields.items():
                try:
                    fields[k] = float(v) if "." in v else int(v)
                except ValueError:
                    pass
            runs.append(fields)
    return runs


def stats(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def host_cpu():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def config_digest(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    vs = [l for l in data.decode().splitlines() if "VIRTUAL_SWAP" in l]
    return {"path": path, "sha1": hashlib.sha1(data).hexdigest(),
            "virtual_swap": vs[0] if vs else "(no such option)"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--reps", type=int)
    ap.add_argument("--ops", type=int)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--mem")
    ap.add_argument("--limit")
    ap.add_argument("--commit")
    ap.add_argument("--configs", nargs="*", default=[])
    a = ap.parse_args()

    runs = parse(a.input)
    kernels = {}
    for k in ("vanilla", "vswap"):
        ok = [r for r in runs if r.get("kernel") == k and not r.get("failed")]
        kernels[k] = {
            "ops_per_s": stats([r["ops_per_s"] for r in ok]),
            "usr_s": stats([r["usr"] for r in ok]),
            "sys_s": stats([r["sys"] for r in ok]),
            "failed_runs": sum(1 for r in runs
                               if r.get("kernel") == k and r.get("failed")),
        }
    van, vsw = kernels["vanilla"]["ops_per_s"], kernels["vswap"]["ops_per_s"]
    ratio = vsw["median"] / van["median"] if van and vsw else None

    doc = {
        "scenario": a.scenario, "backend": a.backend,
        "workload": f"stress-ng --pageswap {a.workers} --pageswap-ops {a.ops}",
        "guest": {"mem": a.mem, "vcpus": 2, "memory_max": a.limit,
                  "accel": "tcg"},
        "repetitions": a.reps, "order": "interleaved vanilla, vswap",
        "commit": a.commit, "host_cpu": host_cpu(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "kernel_configs": [config_digest(c) for c in a.configs],
        "kernels": kernels, "ratio_vswap_over_vanilla": ratio,
        "runs": runs,
    }
    os.makedirs(a.results, exist_ok=True)
    name = f"{a.scenario}-{a.backend}"
    with open(os.path.join(a.results, name + ".json"), "w") as f:
        json.dump(doc, f, indent=2)

    spath = os.path.join(a.results, "summary.json")
    summary = {}
    if os.path.exists(spath):
        with open(spath) as f:
            summary = json.load(f)
    summary[f"{a.scenario}_ratio_{a.backend}"] = ratio
    summary["commit"] = a.commit
    with open(spath, "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)

    rows = []
    for fn in sorted(os.listdir(a.results)):
        if not fn.endswith(".json") or fn == "summary.json":
            continue
        with open(os.path.join(a.results, fn)) as f:
            d = json.load(f)
        for k in ("vanilla", "vswap"):
            s = d["kernels"][k]["ops_per_s"]
            if s:
                rows.append(f"| {d['scenario']} | {d['backend']} | {k} | "
                            f"{s['median']:.0f} | {s['min']:.0f} | "
                            f"{s['max']:.0f} | {s['n']} |")
        r = d["ratio_vswap_over_vanilla"]
        rows.append(f"| {d['scenario']} | {d['backend']} | **vswap/vanilla** "
                    f"| **{r:.3f}** | | | |" if r else
                    f"| {d['scenario']} | {d['backend']} | ratio | n/a | | | |")
    with open(os.path.join(a.results, "summary.md"), "w") as f:
        f.write("# Benchmark summary\n\n"
                "Written by `make bench` (bench/run); every figure is "
                "bogo ops/s inside a TCG guest, so only the ratio of the "
                "two kernels in the same run means anything.\n\n"
                "| scenario | backend | kernel | median | min | max | runs |\n"
                "|---|---|---|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n")

    print(f"  RESULT  {name}: vanilla {van['median']:.0f} ops/s, "
          f"vswap {vsw['median']:.0f} ops/s, ratio {ratio:.3f}"
          if ratio else f"  RESULT  {name}: incomplete (failed runs)")
    return 0 if ratio else 1


if __name__ == "__main__":
    raise SystemExit(main())
