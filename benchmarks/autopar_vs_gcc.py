"""autopar against GCC's auto-parallelizer, Polly and hand-written OpenMP, in one run.

For every problem of a suite (default: the loop-nest kernels in benchmarks/loopnests),
measured side by side in this one run, one timing at a time, all at --threads:
- autopar: the variants `optimize_source` proposes for the reference, in the cost
  model's order (hopeless ones are not proposed), each through the full pipeline once
  (`verify`: compile, interface, difftest, race, timing); the fastest that passes counts.
  No variant, or none passing: the original is kept (1.00x). A variant that fails as
  wrong output or race is counted as unsound (a floating-point reduction that rounds
  differently beyond the tolerance is counted separately).
- gcc: the unchanged reference compiled with `-O3 -fopenmp -ftree-parallelize-loops=N`.
- polly: the unchanged reference compiled with clang++ `-O3 -mllvm -polly -mllvm
  -polly-parallel` (Polly's own OpenMP code generation, libgomp).
  gcc and polly builds are difftested against the reference, then timed like a
  candidate (interleaved with the plain `-O3` reference). A wrong output is told apart
  (`wrong_kind`): at the benchmark size on one input, two runs that differ from each
  other are a race, a result off by more than 1e-6 of the output's scale is wrong code,
  anything less is reordered rounding beyond the problem's tolerance; the table says
  which and the summary gives the figures.
- hand: the problem's `solutions/expert.cpp` through `verify`.
The geometric means count what a user gets: a failed, missing or slower (< 1.00x) entry
counts as 1.00 (the original is kept); the per-problem rows show the measured numbers.
The 1-minute load average is sampled before every problem and reported.

Each entry prints its speedup with the 95% confidence interval of the timing.

Run: .venv/bin/python benchmarks/autopar_vs_gcc.py [--suite builtin] [--category dense]
     [--threads 2] [--reps 3] [--max-variants 3] [--columns autopar,hand] [--json out.json]
The full loop-nest set (27 kernels, all columns) takes about 15 min at --reps 3 on 2
cores (about 30 s per kernel); --reps 2 --max-variants 2 is quicker. --readme README.md
writes the table and summary (date, commit, load) between the autopar-table markers.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.autopar import optimize_source  # noqa: E402
from parcodegen.exprs import arg_values  # noqa: E402
from parcodegen.problems.suite import load_suite  # noqa: E402
from parcodegen.tools.build import build_problem, run_harness  # noqa: E402
from parcodegen.tools.compile import GCC_FLAGS, compile_object, link_binary  # noqa: E402
from parcodegen.tools.difftest import difftest  # noqa: E402
from parcodegen.tools.outputs import is_meta  # noqa: E402
from parcodegen.tools.timing import TimingPlan, measure  # noqa: E402
from parcodegen.types import Candidate, Status  # noqa: E402
from parcodegen.verify.pipeline import VerifyOptions, verify  # noqa: E402

POLLY_FLAGS = ("-std=c++17", "-O3", "-mllvm", "-polly", "-mllvm", "-polly-parallel")


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_autopar(problem, options: VerifyOptions, limit: int) -> dict:
    sizes = arg_values(problem.args, problem.bench_size)
    result = optimize_source(problem.reference_code, problem.function, sizes)
    tried, best, unsound, rounding = [], None, [], []
    for k, (label, code) in enumerate(result.variants):
        if k >= limit:
            tried.append({"label": label, "status": "not timed (ranked below --max-variants)"})
            continue
        v = verify(problem, Candidate(code, origin="autopar"), options=options)
        m = v.measurement
        row = {"label": label, "status": v.status.value, "speedup": v.speedup,
               "interval": m.interval if m is not None else None}  # fmt: skip
        tried.append(row)
        if v.status in (Status.WRONG_OUTPUT, Status.RACE, Status.CRASH):
            (
                rounding if "reduction(" in code and v.status is Status.WRONG_OUTPUT else unsound
            ).append(f"{label}: {v.status.value} {v.message[:160]}")
        if v.passed and v.speedup and (best is None or v.speedup > best["speedup"]):
            best = {"label": label, "speedup": v.speedup, "interval": row["interval"]}
    return {
        "variants": tried,
        "best": best,
        "proposed": len(result.variants),
        "unsound": unsound,
        "rounding": rounding,
        "why_none": "" if result.variants else result.report.splitlines()[-1],
    }


def run_compiled(problem, threads: int, plan: TimingPlan, *, compiler: str, flags, link) -> dict:
    """The unchanged reference built by another compiler setup, difftested and timed."""
    build = build_problem(problem)
    obj = compile_object(
        problem.reference_code,
        headers=build.headers,
        flags=tuple(flags),
        compiler=compiler,
        source_name=problem.source_file,
    )
    if not obj.ok:
        return {"status": "compile_error", "speedup": None}
    linked = link_binary([build.harness_obj, obj.path], flags=tuple(link), ldflags=problem.ldflags)
    if not linked.ok:
        return {"status": "link_error", "speedup": None}
    check = difftest(build, linked.path)
    if not check.ok:
        status = check.status.value if check.status else "failed"
        why = wrong_kind(build, linked.path, threads) if check.status is Status.WRONG_OUTPUT else ""
        return {"status": status, "speedup": None, "why": why, "message": check.message[:300]}
    _, m = measure(build, linked.path, threads=threads, plan=plan)
    if m is None:
        return {"status": "timing_failed", "speedup": None}
    return {"status": "pass", "speedup": m.speedup, "interval": m.interval}


ROUNDING_REL = 1e-6  # beyond this (relative to the output's largest magnitude): not rounding


def _max_rel_diff(ref: dict, got: dict) -> float:
    """The largest |difference| over every output, relative to that output's largest
    reference magnitude (reordered floating-point sums differ by ~n x 1e-16 of it)."""
    worst = 0.0
    for name, r in ref.items():
        if is_meta(name) or name not in got:
            continue
        a, b = (
            np.asarray(r, dtype=np.float64).ravel(),
            np.asarray(got[name], dtype=np.float64).ravel(),
        )
        if a.shape != b.shape:
            return math.inf
        if a.size == 0:
            continue
        scale = float(np.nanmax(np.abs(a))) or 1.0
        worst = max(worst, float(np.nanmax(np.abs(a - b))) / scale)
    return worst


def wrong_kind(build, binary: Path, threads: int) -> str:
    """Why another compiler's build of the reference gave a wrong output: wrong code or
    rounding. At the benchmark size, on one input: its two runs differ from each other
    (a race), or it differs from the reference beyond ROUNDING_REL of the output's scale
    (terms lost or counted twice, not reordered), else reordered rounding beyond the
    problem's tolerance."""
    p = build.problem
    seed, n, pattern = 17, p.bench_size, p.patterns[0]
    runs = [run_harness(b, seed=seed, n=n, pattern=pattern, threads=threads, wall_s=600)
            for b in (build.reference_bin, binary, binary)]  # fmt: skip
    if not all(r.ok for r in runs):
        bad = next(r for r in runs if not r.ok)
        return f"undetermined (a run at n={n} failed: {bad.error})"
    ref, first, second = (r.outputs for r in runs)
    assert ref is not None and first is not None and second is not None
    between = _max_rel_diff(first, second)
    off = _max_rel_diff(ref, first)
    if between > 0:
        return (f"wrong code: a race (two runs on one input differ by {between:.2g} of the "
                f"output's scale; {off:.2g} from the serial result, n={n})")  # fmt: skip
    if off > ROUNDING_REL:
        return f"wrong code (deterministic; {off:.2g} of the output's scale off at n={n})"
    return f"rounding ({off:.2g} of the output's scale at n={n}, beyond the problem's tolerance)"


def run_gcc(problem, threads: int, plan: TimingPlan) -> dict:
    flag = f"-ftree-parallelize-loops={threads}"
    return run_compiled(
        problem, threads, plan, compiler="g++", flags=GCC_FLAGS + (flag,), link=("-fopenmp", flag)
    )


def run_polly(problem, threads: int, plan: TimingPlan) -> dict:
    return run_compiled(
        problem, threads, plan, compiler="clang++", flags=POLLY_FLAGS, link=("-fopenmp",)
    )


def run_hand(sp, options: VerifyOptions) -> dict:
    if sp.expert is None:
        return {"status": "missing", "speedup": None}
    v = verify(sp.problem, Candidate(sp.expert.path.read_text(), origin="expert"), options=options)
    m = v.measurement
    interval = m.interval if m is not None else None
    return {"status": v.status.value, "speedup": v.speedup if v.passed else None,
            "interval": interval}  # fmt: skip


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def fmt(x: float | None, interval=None) -> str:
    if not x:
        return "-"
    return f"{x:.2f}x [{interval[0]:.2f}, {interval[1]:.2f}]" if interval else f"{x:.2f}x"


COLUMNS = ("autopar", "gcc", "polly", "hand")


def speedup_of(row: dict, col: str) -> float | None:
    if col == "autopar":
        return (row["autopar"].get("best") or {}).get("speedup")
    return row[col]["speedup"]


SKIPPED = {"status": "not run", "speedup": None}


def ran(rows: list[dict], col: str) -> bool:
    return any(r[col] is not SKIPPED and r[col].get("status") != "not run" for r in rows)


def table(rows: list[dict], threshold: float) -> str:
    out = [
        "| problem | autopar (best variant) | gcc -ftree-parallelize-loops | polly | hand | load |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        a = r["autopar"]
        if a.get("status") == "not run":
            ap = "not run"
        elif a["best"]:
            ap = f"{fmt(a['best']['speedup'], a['best'].get('interval'))} ({a['best']['label']})"
        elif not a["proposed"]:
            ap = "1.00x (nothing proposed)"
        else:
            ap = "1.00x (no variant passed)"
        cells = [ap]
        for col in COLUMNS[1:]:
            e = r[col]
            text = fmt(e["speedup"], e.get("interval")) if e["speedup"] else e["status"]
            if not e["speedup"] and e.get("why"):  # wrong output: wrong code or rounding
                text += f" ({e['why'].split(' (')[0]})"
            cells.append(text)
        out.append(f"| {r['id']} | {' | '.join(cells)} | {r['load']:.1f} |")
    cols = {c: [max(speedup_of(r, c) or 1.0, 1.0) for r in rows] for c in COLUMNS}
    sped = {c: sum(1 for v in vals if v >= threshold) for c, vals in cols.items()}
    gm = {c: geomean(vals) for c, vals in cols.items()}
    n = len(rows)
    shown = {c: ran(rows, c) for c in COLUMNS}
    out.append(
        f"| **sped up (>= {threshold:.2f}x)** | "
        + " | ".join(f"{sped[c]}/{n}" if shown[c] else "not run" for c in COLUMNS)
        + " | |"
    )
    out.append(
        "| **geometric mean** | "
        + " | ".join(f"{gm[c]:.2f}x" if shown[c] else "not run" for c in COLUMNS)
        + " | |"
    )
    return "\n".join(out)


def summary(rows: list[dict], loads: list[float], args, seconds: float) -> str:
    cols = {c: [max(speedup_of(r, c) or 1.0, 1.0) for r in rows] for c in COLUMNS}
    gm = {c: geomean(vals) for c, vals in cols.items()}
    unsound = [f"{r['id']} {u}" for r in rows for u in r["autopar"].get("unsound", [])]
    rounding = [f"{r['id']} {u}" for r in rows for u in r["autopar"].get("rounding", [])]
    ratios = "; ".join(
        f"autopar / {c} geomean: {gm['autopar'] / gm[c]:.2f}"
        for c in ("hand", "polly", "gcc")
        if ran(rows, "autopar") and ran(rows, c)
    )
    timed = sum(1 for r in rows for v in r["autopar"].get("variants", []) if "speedup" in v)
    lines = [
        ratios or "(autopar and another column are needed for the ratios)",
        f"autopar variants timed: {timed}"
        f"; unsound (wrong output, race or crash): {len(unsound)}"
        + (" -> " + "; ".join(unsound) if unsound else "")
        + f"; reductions rounding beyond tolerance: {len(rounding)}",
        *[
            f"{col} {r['id']}: {r[col]['status']}: {r[col]['why']}"
            for r in rows
            for col in ("gcc", "polly")
            if r[col].get("why")
        ],  # fmt: skip
        f"load (1-min average, sampled before each problem): min {min(loads):.1f}, "
        f"mean {sum(loads) / len(loads):.1f}, max {max(loads):.1f} on {os.cpu_count()} cores; "
        f"{args.threads} threads, {args.reps} timing reps per entry, {seconds / 60:.0f} min, "
        f"{platform.node()}",
    ]
    return "\n".join(lines)


START, END = "<!-- autopar-table:start -->", "<!-- autopar-table:end -->"


def readme_block(rows: list[dict], loads: list[float], args, seconds: float, started: str) -> str:
    """What goes between the markers in README.md: when, where, the table, the summary."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip() or "unknown"  # fmt: skip
    head = (
        f"Measured {started} UTC ({seconds / 60:.0f} min), commit {commit}, "
        f"`benchmarks/autopar_vs_gcc.py --reps {args.reps} --max-variants "
        f"{args.max_variants}`, {args.threads} threads on {os.cpu_count()} cores, "
        f"1-minute load {min(loads):.1f}-{max(loads):.1f} (mean "
        f"{sum(loads) / len(loads):.1f}). Each entry: speedup over the serial reference "
        "[95% interval]."
    )
    body = "\n".join(
        [head, "", table(rows, args.threshold), "", summary(rows, loads, args, seconds)]
    )
    return f"{START}\n{body}\n{END}"


def write_readme(path: Path, block: str) -> None:
    text = path.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{path}: no {START} ... {END} markers to write the table between")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(before + block + after)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", default=str(ROOT / "benchmarks" / "loopnests"))
    ap.add_argument("--category", help="one category, or several separated by commas")
    ap.add_argument("--problem", action="append")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--max-variants", type=int, default=3, help="time at most this many")
    ap.add_argument(
        "--quiet-wait", type=float, default=5.0, help="seconds to wait for idle CPUs per timing"
    )
    ap.add_argument("--threshold", type=float, default=1.10)
    ap.add_argument(
        "--columns",
        default=",".join(COLUMNS),
        help=f"which of {','.join(COLUMNS)} to run (default: all; the others print 'not run')",
    )
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument(
        "--readme",
        help="also write the table and summary into this file between the autopar-table "
        "markers (README.md)",
    )
    args = ap.parse_args(argv)
    columns = {c.strip() for c in args.columns.split(",") if c.strip()}
    if not columns or columns - set(COLUMNS):
        ap.error(f"--columns: choose from {','.join(COLUMNS)}")
    cats = [c.strip() for c in args.category.split(",")] if args.category else [None]
    suite = [sp for c in cats for sp in load_suite(args.suite, category=c, problem=args.problem)]
    options = VerifyOptions(
        threads=args.threads, timing=True, timing_reps=args.reps,
        timing_quiet_wait_s=args.quiet_wait,
    )  # fmt: skip
    plan = TimingPlan(reps=args.reps, quiet_wait_s=args.quiet_wait)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    rows, loads = [], []
    start = time.monotonic()
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    for sp in suite:
        p = sp.problem
        loads.append(load1())
        spent = time.monotonic() - start
        left = (
            f", about {spent / len(rows) * (len(suite) - len(rows)) / 60:.0f} min left"
            if rows
            else ""
        )
        print(
            f"[{spent:6.0f}s] {len(rows) + 1}/{len(suite)} {p.id} (load {loads[-1]:.1f}{left})",
            file=sys.stderr,
        )
        rows.append(
            {
                "id": p.id,
                "load": loads[-1],
                "autopar": run_autopar(p, options, args.max_variants)
                if "autopar" in columns
                else SKIPPED,
                "gcc": run_gcc(p, args.threads, plan) if "gcc" in columns else SKIPPED,
                "polly": run_polly(p, args.threads, plan) if "polly" in columns else SKIPPED,
                "hand": run_hand(sp, options) if "hand" in columns else SKIPPED,
            }
        )
        print(table(rows[-1:], args.threshold).splitlines()[2], file=sys.stderr, flush=True)
        if args.json:  # after every problem, so an interrupted run keeps what it measured
            Path(args.json).write_text(json.dumps(rows, indent=2))
    seconds = time.monotonic() - start
    print(
        f"autopar vs GCC auto-parallelization vs Polly vs hand-written OpenMP: {len(rows)} "
        f"problems from {args.suite}, {args.threads} threads\n"
    )
    print(table(rows, args.threshold))
    print()
    print(summary(rows, loads, args, seconds))
    if args.readme:
        write_readme(Path(args.readme), readme_block(rows, loads, args, seconds, started))
        print(f"\nthe table and summary were written into {args.readme}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
