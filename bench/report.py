#!/usr/bin/env python3
"""Turns bench/run.sh's raw measurements into RESULTS.md.

Per command NAME the raw folder holds NAME.time (/usr/bin/time -v of one run),
NAME.rc, and NAME.json (hyperfine) unless the command was slow (NAME.note).
Wall time: hyperfine's median, else the single run's elapsed time.
CPU time: hyperfine's mean user+system, else the single run's user+system.
Peak memory: the single run's maximum resident set size.
"""

import argparse
import datetime
import json
import os
import re


def parse_time_v(path):
    out = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            k, _, v = line.strip().rpartition(": ")
            out[k] = v
    wall = out.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    return {
        "wall": secs,
        "cpu": float(out.get("User time (seconds)", 0)) + float(out.get("System time (seconds)", 0)),
        "rss_kb": int(out.get("Maximum resident set size (kbytes)", 0)),
    }


def load(raw, name):
    base = os.path.join(raw, name)
    if not os.path.exists(base + ".time"):
        return None
    m = parse_time_v(base + ".time")
    m["rc"] = open(base + ".rc").read().strip() if os.path.exists(base + ".rc") else "?"
    m["note"] = open(base + ".note").read().strip() if os.path.exists(base + ".note") else ""
    m["runs"] = 1
    if os.path.exists(base + ".json"):
        r = json.load(open(base + ".json"))["results"][0]
        m["wall"] = r["median"]
        m["cpu"] = r["user"] + r["system"]
        m["runs"] = len(r["times"])
    m["timeout"] = m["note"] == "timeout"
    return m


def secs(x):
    if x is None:
        return "n/a"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def mib(kb):
    return f"{kb / 1024:.1f} MiB"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("out")
    for k in ["size", "plans", "iac", "files", "seed", "commit", "cores", "runs", "medium", "slow",
              "install-seconds", "total-seconds", "editor-plan", "load"]:
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--timeout", default="900")
    a = ap.parse_args()
    names = ["floor", "check", "check-1-thread", "editor", "version", "check-plans", "check-iac",
             "markdownlint-cli2", "rumdl", "yamllint", "checkov"]
    m = {n: load(a.raw, n) for n in names}

    def w(n):
        return None if not m[n] or m[n]["timeout"] else m[n]["wall"]

    def c(n):
        return None if not m[n] or m[n]["timeout"] else m[n]["cpu"]

    def r(n):
        return None if not m[n] or m[n]["timeout"] else m[n]["rss_kb"]

    def peer_ratio(n, base):
        # A peer stopped by the timeout: its wall time is at least the timeout.
        if m[n] and m[n]["timeout"] and w(base):
            return f"> {float(a.timeout) / w(base):.0f}×"
        return ratio(w(n), w(base))

    def peer_secs(n):
        if m[n] and m[n]["timeout"]:
            return f"did not finish in {a.timeout} s"
        return secs(w(n))

    rows = [
        ("full check ÷ floor (wall)", ratio(w("check"), w("floor")), f"{secs(w('check'))} vs {secs(w('floor'))}"),
        ("full check ÷ floor (CPU)", ratio(c("check"), c("floor")), f"{secs(c('check'))} vs {secs(c('floor'))}"),
        ("peak memory, check ÷ floor", ratio(r("check"), r("floor")),
         f"{mib(r('check') or 0)} vs {mib(r('floor') or 0)}"),
        (f"{a.cores} threads vs 1 (wall, 1 ÷ {a.cores})", ratio(w("check-1-thread"), w("check")),
         f"{secs(w('check-1-thread'))} with `RAYON_NUM_THREADS=1` vs {secs(w('check'))}"),
        ("editor case ÷ `--version`", ratio(w("editor"), w("version")),
         f"{secs(w('editor'))} vs {secs(w('version'))}"),
        ("markdownlint-cli2 ÷ constable on the plans", peer_ratio("markdownlint-cli2", "check-plans"),
         f"{peer_secs('markdownlint-cli2')} vs {secs(w('check-plans'))} (`check --no-iac`)"),
        ("rumdl ÷ constable on the plans", peer_ratio("rumdl", "check-plans"),
         f"{peer_secs('rumdl')} vs {secs(w('check-plans'))} (`check --no-iac`)"),
        ("checkov ÷ constable on the IaC", peer_ratio("checkov", "check-iac"),
         f"{peer_secs('checkov')} vs {secs(w('check-iac'))} (`check --iac-only`)"),
        ("yamllint ÷ constable on the IaC", peer_ratio("yamllint", "check-iac"),
         f"{peer_secs('yamllint')} vs {secs(w('check-iac'))} (`check --iac-only`)"),
    ]
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Benchmark results: {a.size} tree",
        "",
        f"Measured {date} on {a.cores} cores (load average {a.load} when measuring started) with "
        f"`bench/run.sh {a.size}`, constable commit `{a.commit}`.",
        f"Tree: {a.plans} plans and {a.iac} IaC files ({a.files} files read by the floor), seed {a.seed}.",
        f"Wall time is hyperfine's median of {a.runs} runs after one warm-up; a command slower than "
        f"{a.medium} s on its first run gets 3 runs, and one slower than {a.slow} s is measured once "
        "(both named below). CPU is user + system time; "
        "peak memory is the maximum resident set size from `/usr/bin/time -v`.",
        "",
        "The peers do different work: markdownlint-cli2 and rumdl check Markdown style, yamllint "
        "checks YAML syntax and style, checkov evaluates hundreds of security policies on the "
        "parsed IaC; none of them reads the plan against the constitution. The ratios say what a "
        "team pays in time for each tool on the same files, not which tool is better.",
        "",
        "| figure | ratio | absolute |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {rat} | {abs_} |" for name, rat, abs_ in rows]
    lines += [
        "",
        "## Every command",
        "",
        "| command | wall | CPU | peak memory | runs | exit | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in names:
        x = m[n]
        if not x:
            lines.append(f"| {n} | not run | | | | | |")
            continue
        lines.append(
            f"| {n} | {secs(None if x['timeout'] else x['wall'])} | {secs(None if x['timeout'] else x['cpu'])} "
            f"| {mib(x['rss_kb'])} | {x['runs']} | {x['rc']} | {x['note']} |"
        )
    lines += [
        "",
        f"Editor case: `constable check --stdin-filename {a.editor_plan} - < {a.editor_plan}` inside the tree.",
        f"Peer installation took {a.install_seconds} s (0 when already installed); the whole run took "
        f"{a.total_seconds} s, build and generation included.",
        "",
    ]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
