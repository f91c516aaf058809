#!/usr/bin/env python3
"""nango-lint benchmark: speed and memory against the tree-sitter floor, and single-file latency.

    python bench/run.py [DIR] [--rounds N] [--jobs N] [--single FILE] [--single-runs N]

DIR defaults to a corpus generated from this repository's own fixtures and examples, scaled to about 6,000 files
(so it runs without any download). Point it at a real project, e.g. a checkout of NangoHQ/integration-templates, to
measure on real functions.

Every measurement runs in its own fresh Python process so that peak RSS is that process's own (workers included
for the pool). Printed per configuration: files, lines, wall seconds (median of the rounds, with min-max), files/s,
peak RSS, and the ratio to the floor measured in the same round.

- floor: read + tree-sitter parse + one run of the same combined query nango-lint compiles (all default rules),
  one process: what any tree-sitter linter in Python has to pay.
- nango-lint serial: the real CLI code path (`-j 1`, JSON report to /dev/null), all default rules.
- nango-lint parallel: the same with the process pool (`-j N`, default: CPU count).
- single file: `nango-lint FILE` end to end as a new process (interpreter start, imports, query compile, lint,
  report), the pre-commit case.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD = r"""
import json, os, resource, sys, time
mode, listfile, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = open(listfile, encoding="utf-8").read().split("\n")
files = [f for f in files if f]
t0 = time.perf_counter()
lines = 0
if mode == "floor":
    from tree_sitter import QueryCursor
    from nango_lint.parsing import parse_source
    from nango_lint.query import combined_query
    from nango_lint.registry import catalog
    codes = frozenset(catalog().default_enabled())
    queries = {}
    for f in files:
        with open(f, "rb") as fh:
            raw = fh.read()
        lines += raw.count(b"\n")
        parsed = parse_source(f, raw)
        q = queries.get(parsed.grammar) or queries.setdefault(parsed.grammar, combined_query(parsed.grammar, codes))
        QueryCursor(q).captures(parsed.root)
else:
    import io
    from nango_lint.cli import run
    out = io.StringIO()
    rc = run(files, "json", [], [], [], "error", True, None, jobs, out)
    doc = json.loads(out.getvalue())
    lines = doc["summary"]["files"]
wall = time.perf_counter() - t0
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"wall": wall, "rss_kib": rss, "lines": lines}))
"""


def generate_corpus(dest: Path, target: int = 6000) -> list[str]:
    """Copies of the repo's fixtures and examples under integration-like paths, until ``target`` files."""
    seeds = sorted(p for p in (REPO / "tests" / "fixtures").rglob("*.ts") if not p.name.endswith(".fixed.ts"))
    seeds += sorted((REPO / "examples").rglob("*.ts"))
    seeds = [p for p in seeds if "_formats" not in p.parts]
    if not seeds:
        raise SystemExit("no seed files found under tests/fixtures or examples")
    files = []
    i = 0
    while len(files) < target:
        for seed in seeds:
            if len(files) >= target:
                break
            text = seed.read_bytes()
            kind = "actions" if b"createAction" in text else "syncs"
            out = dest / f"integration-{i % 200:03d}" / kind / f"{seed.stem}-{i}.ts"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(text)
            files.append(str(out))
            i += 1
    return files


def collect(dir_: Path) -> list[str]:
    files = []
    for root, dirs, names in os.walk(dir_):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "dist", "build"))
        for n in sorted(names):
            if n.endswith((".ts", ".mts", ".cts", ".tsx")) and not n.endswith(".d.ts"):
                files.append(os.path.join(root, n))
    return files


# Children run with bytecode caching on (an installed wheel has its .pyc files; PYTHONDONTWRITEBYTECODE, set in some
# sandboxes, would make every run recompile nango-lint's modules and measure the compiler instead).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(mode: str, listfile: str, jobs: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, listfile, str(jobs)], capture_output=True, text=True,
                          env=CHILD_ENV)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


ESLINT_CHILD = r"""
import json, resource, subprocess, sys, time
eslint_dir, listfile = sys.argv[1], sys.argv[2]
files = [f for f in open(listfile, encoding="utf-8").read().split("\n") if f]
t0 = time.perf_counter()
subprocess.run([eslint_dir + "/node_modules/.bin/eslint", "--no-eslintrc", "-c", eslint_dir + "/eslintrc.nango-only.json",
                "-f", "json", "-o", "/dev/null", *files], capture_output=True)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure_eslint(eslint_dir: str, listfile: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", ESLINT_CHILD, eslint_dir, listfile], capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def single_file_latency(path: str, runs: int) -> list[float]:
    exe = shutil.which("nango-lint")
    cmd = [exe, path] if exe else [sys.executable, "-m", "nango_lint", path]
    times = []
    subprocess.run(cmd, capture_output=True, env=CHILD_ENV)  # warm the OS page cache and the .pyc files once
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=CHILD_ENV)
        times.append(time.perf_counter() - t)
    return times


def fmt_row(name, files, lines, walls, rss_kib, floor_walls):
    med = statistics.median(walls)
    ratio = statistics.median([w / f for w, f in zip(walls, floor_walls)]) if floor_walls else 1.0
    return (f"{name:<22} {files:>7} {lines:>9} {med:>8.2f} ({min(walls):.2f}-{max(walls):.2f}) "
            f"{files / med:>9.0f} {rss_kib / 1024:>9.1f} {ratio:>7.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", help="folder of functions to lint (default: generated from the repo, ~6,000 files)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--files", type=int, default=6000, help="size of the generated corpus")
    ap.add_argument("--single", default=str(REPO / "examples" / "demo-crm" / "actions" / "create-contact.ts"))
    ap.add_argument("--single-runs", type=int, default=15)
    ap.add_argument("--list", help="a file listing the files to lint, one per line (relative to DIR or absolute)")
    ap.add_argument("--eslint-dir", help="an npm project with eslint 8 + @typescript-eslint + the nango plugin and "
                                         "eslintrc.nango-only.json (see research/peer-bench/setup.sh): time it too")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="nango-lint-bench-")
    try:
        if args.list:
            base = Path(args.dir or ".")
            files = [str(base / line.strip()) for line in Path(args.list).read_text().splitlines() if line.strip()]
            source = f"{args.list} ({len(files)} files)"
        elif args.dir:
            files = collect(Path(args.dir))
            source = args.dir
        else:
            files = generate_corpus(Path(tmp) / "corpus", args.files)
            source = f"generated from tests/fixtures and examples ({len(files)} files)"
        if not files:
            raise SystemExit(f"no .ts files under {args.dir}")
        listfile = os.path.join(tmp, "files.txt")
        Path(listfile).write_text("\n".join(files), encoding="utf-8")
        total_bytes = sum(os.path.getsize(f) for f in files)
        print(f"corpus: {source}; {len(files)} files, {total_bytes / 2**20:.1f} MiB; rounds={args.rounds}, jobs={args.jobs}, "
              f"cpus={os.cpu_count()}")
        results = {"floor": [], "serial": [], "parallel": []}
        for r in range(args.rounds):
            # rotate the order so machine drift does not favour one configuration
            order = ["floor", "serial", "parallel"]
            order = order[r % 3:] + order[: r % 3]
            for mode in order:
                jobs = 1 if mode != "parallel" else args.jobs
                results[mode].append(measure("floor" if mode == "floor" else "lint", listfile, jobs))
        lines = results["floor"][0]["lines"]
        floor_walls = [m["wall"] for m in results["floor"]]
        print(f"\n{'configuration':<22} {'files':>7} {'lines':>9} {'wall s (min-max)':>20} {'files/s':>9} {'RSS MiB':>9} {'x floor':>8}")
        for mode, label in (("floor", "floor (parse+query)"), ("serial", "nango-lint serial"), ("parallel", f"nango-lint -j {args.jobs}")):
            ms = results[mode]
            print(fmt_row(label, len(files), lines, [m["wall"] for m in ms], max(m["rss_kib"] for m in ms), floor_walls))
        if args.eslint_dir:
            walls, rss = [], 0
            for _ in range(args.rounds):
                m = measure_eslint(args.eslint_dir, listfile)
                walls.append(m["wall"])
                rss = max(rss, m["rss_kib"])
            print(fmt_row("ESLint+nango plugin", len(files), lines, walls, rss, floor_walls))
        times = single_file_latency(args.single, args.single_runs)
        q = statistics.quantiles(times, n=4) if len(times) >= 4 else [min(times), statistics.median(times), max(times)]
        print(f"\nsingle file end to end ({Path(args.single).name}, {args.single_runs} runs): median {statistics.median(times) * 1000:.0f} ms, "
              f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms, IQR {q[0] * 1000:.0f}-{q[2] * 1000:.0f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
