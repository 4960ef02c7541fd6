"""autopar against GCC's auto-parallelizer and the expert solutions, on the built-in suite.

For every problem, measured in this one run, one timing at a time:
- autopar: every variant `optimize_source` proposes for the reference goes through the
  full pipeline (`verify`: compile, interface, difftest, race, timing); the fastest
  variant that passes counts. No safe loop, or no passing variant: the original is kept
  (speedup 1.00).
- gcc: the unchanged reference compiled with `-O3 -fopenmp -ftree-parallelize-loops=N`,
  checked against the reference (difftest) and timed the same way as the pipeline times
  candidates (interleaved with the plain `-O3` reference).
- expert: `solutions/expert.cpp` through `verify`.
A problem is "sped up" when the speedup is at least --threshold (default 1.10).
The summary rows count what a user gets: the faster of the entry and the original, so a
failed, missing or slower (< 1.00x) entry counts as 1.00 (the original is kept); the
per-problem rows show the measured numbers.

Run: .venv/bin/python benchmarks/autopar_vs_gcc.py [--category reduce] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.autopar import optimize_source  # noqa: E402
from parcodegen.problems.suite import load_suite  # noqa: E402
from parcodegen.tools.build import build_problem, cores  # noqa: E402
from parcodegen.tools.compile import GCC_FLAGS, compile_object, link_binary  # noqa: E402
from parcodegen.tools.difftest import difftest  # noqa: E402
from parcodegen.tools.timing import measure  # noqa: E402
from parcodegen.types import Candidate  # noqa: E402
from parcodegen.verify.pipeline import VerifyOptions, verify  # noqa: E402


def run_autopar(problem, options: VerifyOptions) -> dict:
    result = optimize_source(problem.reference_code, problem.function)
    tried = []
    best = None
    for label, code in result.variants:
        v = verify(problem, Candidate(code, origin="autopar"), options=options)
        tried.append({"label": label, "status": v.status.value, "speedup": v.speedup})
        if v.passed and v.speedup and (best is None or v.speedup > best["speedup"]):
            best = {"label": label, "speedup": v.speedup}
    return {"variants": tried, "best": best, "parallelized": bool(result.variants)}


def run_gcc(problem, threads: int, reps: int) -> dict:
    build = build_problem(problem)
    flag = f"-ftree-parallelize-loops={threads}"
    obj = compile_object(
        problem.reference_code,
        headers=build.headers,
        flags=GCC_FLAGS + (flag,),
        source_name=problem.source_file,
    )
    if not obj.ok:
        return {"status": "compile_error", "speedup": None}
    linked = link_binary(
        [build.harness_obj, obj.path], flags=("-fopenmp", flag), ldflags=problem.ldflags
    )
    if not linked.ok:
        return {"status": "link_error", "speedup": None}
    check = difftest(build, linked.path)
    if not check.ok:
        return {"status": (check.status.value if check.status else "failed"), "speedup": None}
    step, m = measure(build, linked.path, threads=threads, reps=reps)
    if m is None:
        return {"status": "timing_failed", "speedup": None}
    return {"status": "pass", "speedup": m.speedup}


def run_expert(sp, options: VerifyOptions) -> dict:
    if sp.expert is None:
        return {"status": "missing", "speedup": None}
    v = verify(sp.problem, Candidate(sp.expert.path.read_text(), origin="expert"), options=options)
    return {"status": v.status.value, "speedup": v.speedup if v.passed else None}


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def fmt(x: float | None) -> str:
    return f"{x:.2f}x" if x else "-"


def table(rows: list[dict], threshold: float) -> str:
    out = [
        "| problem | autopar (best variant) | gcc -ftree-parallelize-loops | expert |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        best = r["autopar"]["best"]
        if best:
            ap = f"{fmt(best['speedup'])} ({best['label']})"
        else:
            ap = (
                "1.00x (kept original)"
                if not r["autopar"]["parallelized"]
                else "1.00x (no variant passed)"
            )
        gcc = fmt(r["gcc"]["speedup"]) if r["gcc"]["speedup"] else r["gcc"]["status"]
        exp = fmt(r["expert"]["speedup"]) if r["expert"]["speedup"] else r["expert"]["status"]
        out.append(f"| {r['id']} | {ap} | {gcc} | {exp} |")

    def column(get) -> list[float]:
        return [max(get(r) or 1.0, 1.0) for r in rows]

    cols = {
        "autopar": column(lambda r: (r["autopar"]["best"] or {}).get("speedup")),
        "gcc": column(lambda r: r["gcc"]["speedup"]),
        "expert": column(lambda r: r["expert"]["speedup"]),
    }
    sped = {k: sum(1 for v in vals if v >= threshold) for k, vals in cols.items()}
    gm = {k: geomean(vals) for k, vals in cols.items()}
    out.append(
        f"| **sped up (>= {threshold:.2f}x)** | {sped['autopar']}/{len(rows)} | "
        f"{sped['gcc']}/{len(rows)} | {sped['expert']}/{len(rows)} |"
    )
    out.append(
        f"| **geometric mean** | {gm['autopar']:.2f}x | {gm['gcc']:.2f}x | {gm['expert']:.2f}x |"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", default="builtin")
    ap.add_argument("--category", help="one category, or several separated by commas")
    ap.add_argument("--problem")
    ap.add_argument("--threads", type=int, default=cores())
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=1.10)
    ap.add_argument("--json", help="also write the raw results here")
    args = ap.parse_args(argv)
    if args.category and "," in args.category:
        suite = [
            sp
            for c in args.category.split(",")
            for sp in load_suite(args.suite, category=c.strip())
        ]
    else:
        suite = load_suite(args.suite, category=args.category, problem=args.problem)
    options = VerifyOptions(threads=args.threads, timing=True, timing_reps=args.reps)
    rows = []
    start = time.monotonic()
    for sp in suite:
        p = sp.problem
        print(f"[{time.monotonic() - start:6.0f}s] {p.id}", file=sys.stderr, flush=True)
        rows.append(
            {
                "id": p.id,
                "autopar": run_autopar(p, options),
                "gcc": run_gcc(p, args.threads, args.reps),
                "expert": run_expert(sp, options),
            }
        )
        print(table(rows[-1:], args.threshold).splitlines()[2], file=sys.stderr, flush=True)
        if args.json:  # after every problem, so an interrupted run keeps what it measured
            Path(args.json).write_text(json.dumps(rows, indent=2))
    print(
        f"autopar vs GCC auto-parallelization vs expert: {len(rows)} problems, "
        f"{args.threads} threads, {args.reps} timing reps\n"
    )
    print(table(rows, args.threshold))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
