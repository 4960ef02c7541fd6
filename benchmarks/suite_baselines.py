"""Baselines for the built-in suite: serial reference vs GCC auto-parallelizer vs expert.

For every problem, three harness programs run on the same inputs at the benchmark size,
interleaved within each repetition (the order rotates), one timing at a time on the
machine (the pipeline's timing lock):

  reference  the serial reference, built with the pipeline's flags (-O3 -fopenmp)
  gcc-par    the same reference built with GCC's auto-parallelizer
             (-O3 -fopenmp -ftree-parallelize-loops=N -floop-parallelize-all, N = cores)
  expert     solutions/expert.cpp, built like any candidate

Only the function call is timed (inside the harness). Outputs of gcc-par and expert are
compared with the reference's on every repetition; a mismatch is reported, not timed.
Prints a Markdown table of trimmed-mean times and speedups over the reference, with
geometric means; --json writes the raw samples.

    python benchmarks/suite_baselines.py [--category C] [--problem ID ...] [--reps 5]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from parcodegen.errors import ParcodegenError
from parcodegen.problems.suite import SuiteProblem, load_suite
from parcodegen.tools.build import ProblemBuild, build_problem, cores, run_harness
from parcodegen.tools.compile import GCC_FLAGS, compile_object, link_binary
from parcodegen.tools.outputs import compare_outputs
from parcodegen.tools.timing import exclusive_timing, trimmed_mean

VARIANTS = ("reference", "gcc-par", "expert")
RUN_WALL_S = 600.0


def gcc_par_flags(threads: int, graphite: bool = True) -> tuple[str, ...]:
    extra = ("-floop-parallelize-all",) if graphite else ()
    return (*GCC_FLAGS, f"-ftree-parallelize-loops={threads}", *extra)


@dataclass
class Row:
    problem: str
    category: str
    size: int
    times: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    notes: list[str] = field(default_factory=list)

    def mean(self, variant: str) -> float | None:
        samples = self.times[variant]
        return trimmed_mean(samples)[0] if samples else None

    def speedup(self, variant: str) -> float | None:
        ref, t = self.mean("reference"), self.mean(variant)
        return ref / t if ref and t else None


def _candidate_binary(build: ProblemBuild, code: str) -> Path:
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    if not obj.ok:
        raise ParcodegenError(f"expert does not compile: {obj.message}")
    flags = tuple(f for f in build.flags if f.startswith("-f"))
    linked = link_binary([build.harness_obj, obj.path], flags=flags, compiler=build.compiler,
                         ldflags=build.problem.ldflags)  # fmt: skip
    if not linked.ok:
        raise ParcodegenError(f"expert does not link: {linked.message}")
    return linked.path


def _gcc_par_build(sp: SuiteProblem, threads: int) -> tuple[ProblemBuild, str]:
    try:
        return build_problem(sp.problem, gcc_par_flags(threads)), "graphite"
    except ParcodegenError:  # GCC built without Graphite (ISL): tree-level auto-par only
        return build_problem(sp.problem, gcc_par_flags(threads, graphite=False)), "tree"


def measure_problem(sp: SuiteProblem, threads: int, reps: int, warmup: int, seed: int) -> Row:
    p = sp.problem
    row = Row(p.id, p.category, p.bench_size)
    base = build_problem(p)
    auto, mode = _gcc_par_build(sp, threads)
    if mode != "graphite":
        row.notes.append("gcc-par without -floop-parallelize-all")
    binaries = {"reference": base.reference_bin, "gcc-par": auto.reference_bin}
    if sp.expert is not None:
        binaries["expert"] = _candidate_binary(base, sp.expert.path.read_text())
    variants = [v for v in VARIANTS if v in binaries]
    with exclusive_timing():
        for i in range(warmup + reps):
            s = seed + 7919 * i
            order = variants[i % len(variants) :] + variants[: i % len(variants)]
            outs, calls = {}, {}
            for v in order:
                run = run_harness(binaries[v], seed=s, n=p.bench_size, pattern="random",
                                  threads=threads, wall_s=RUN_WALL_S)  # fmt: skip
                if not run.ok:
                    row.notes.append(f"{v} failed (rep {i}): {run.error}")
                    return row
                outs[v] = run.outputs
                calls[v] = run.call_s  # timed by the sandbox launcher
            for v in variants:
                if v != "reference":
                    bad = compare_outputs(p, outs["reference"], outs[v])
                    if bad is not None:
                        row.notes.append(f"{v} output differs (rep {i}): {bad.message}")
                        binaries.pop(v)
            if i >= warmup:
                for v in variants:
                    if v in binaries:
                        row.times[v].append(calls[v])
            variants = [v for v in variants if v in binaries]
    return row


def geomean(values: list[float]) -> float | None:
    vals = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else None


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "-"
    return f"{x * 1e3:.1f}" if unit == "ms" else f"{x:.2f}x"


def markdown(rows: list[Row], threads: int) -> str:
    lines = [
        f"Suite baselines, {threads} threads (trimmed-mean time of the function call; "
        "speedups over the serial reference)",
        "",
        "| problem | n | reference ms | gcc-par ms | expert ms | gcc-par | expert | notes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.problem} | {r.size} | {_fmt(r.mean('reference'), 'ms')} | {_fmt(r.mean('gcc-par'), 'ms')} "
            f"| {_fmt(r.mean('expert'), 'ms')} | {_fmt(r.speedup('gcc-par'))} | {_fmt(r.speedup('expert'))} "
            f"| {'; '.join(r.notes)[:120]} |"
        )
    gm_auto = geomean([r.speedup("gcc-par") for r in rows])
    gm_exp = geomean([r.speedup("expert") for r in rows])
    lines.append(f"| **geometric mean** | | | | | **{_fmt(gm_auto)}** | **{_fmt(gm_exp)}** | |")
    cats = sorted({r.category for r in rows})
    if len(cats) > 1:
        lines += ["", "| category | gcc-par | expert |", "| --- | ---: | ---: |"]
        for c in cats:
            sub = [r for r in rows if r.category == c]
            lines.append(f"| {c} | {_fmt(geomean([r.speedup('gcc-par') for r in sub]))} "
                         f"| {_fmt(geomean([r.speedup('expert') for r in sub]))} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", default="builtin")
    ap.add_argument("--category", default=None)
    ap.add_argument(
        "--problem", action="append", default=None, help="problem id or name (repeatable)"
    )
    ap.add_argument("--threads", type=int, default=None, help="threads (default: cores)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--json", default=None, help="also write raw samples to this file")
    args = ap.parse_args(argv)
    threads = args.threads or cores()
    rows: list[Row] = []
    for sp in load_suite(args.suite, category=args.category, problem=args.problem):
        t0 = time.monotonic()
        try:
            row = measure_problem(sp, threads, max(1, args.reps), max(0, args.warmup), args.seed)
        except ParcodegenError as exc:
            row = Row(sp.id, sp.category, sp.problem.bench_size, notes=[f"error: {exc}"[:200]])
        rows.append(row)
        print(f"{sp.id}: reference {_fmt(row.mean('reference'), 'ms')} ms, gcc-par "
              f"{_fmt(row.speedup('gcc-par'))}, expert {_fmt(row.speedup('expert'))} "
              f"({time.monotonic() - t0:.0f}s)", file=sys.stderr, flush=True)  # fmt: skip
    print(markdown(rows, threads))
    if args.json:
        data = [{"problem": r.problem, "category": r.category, "size": r.size, "times": r.times,
                 "notes": r.notes, "speedup": {v: r.speedup(v) for v in VARIANTS[1:]}} for r in rows]  # fmt: skip
        Path(args.json).write_text(json.dumps({"threads": threads, "rows": data}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
