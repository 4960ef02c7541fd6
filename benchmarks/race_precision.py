"""False alarms of the race step on race-free code, measured.

Runs the race step (`tools.race.race_check`) --reps times on each race-free kernel: suite
experts (those with OpenMP tasks first, then a sample), the shipped examples' good
candidates, and the task kernels in tests/fixtures/problems/task_chunks. Counts, per
kernel: runs rejected as racy (false alarms), and data-race reports the OpenMP runtime's
task-memory reuse produced (recognised and ignored). Prints a table, the totals, the
false-alarm rate with and without the recognition, and the machine load.
`--corpus` runs the correct candidates of tests/fixtures/correct instead (written outside
the suite, in many styles) and adds the rate per kind (loops, tasks, locks, std::thread,
simd).
Run: .venv/bin/python benchmarks/race_precision.py --reps 3 [--corpus]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.problems.suite import load_suite  # noqa: E402
from parcodegen.problems.suite import suite_dir  # noqa: E402
from parcodegen.tools.build import build_problem  # noqa: E402
from parcodegen.tools.parallelism import live_code, static_parallelism  # noqa: E402
from parcodegen.tools.race import race_check  # noqa: E402

TASK_EXPERTS = ["sort/argsort", "sort/sort_by_key", "sort/sort_ints"]
SAMPLE = ["reduce/argmax_first", "scan/prefix_sum", "graph/connected_components",
          "histogram/histogram_2d", "stencil/life", "dense_la/lu_factor", "fft/fft_2d",
          "sparse_la/csr_transpose", "geometry/closest_pair", "search/count_queens"]  # fmt: skip
FIXTURE = ROOT / "tests" / "fixtures" / "problems" / "task_chunks"
CORPUS = ROOT / "tests" / "fixtures" / "correct"
_LOCKS = re.compile(r"\bomp_(?:un)?set_(?:nest_)?lock\b|#\s*pragma\s+omp\s+(?:critical|atomic)\b"
                    r"|\bstd::(?:mutex|atomic|lock_guard)\b")  # fmt: skip
_SIMD = re.compile(r"#\s*pragma\s+omp\b[^\n]*\bsimd\b")


def kind_of(code: str) -> str:
    """The synchronisation a kernel relies on, first match of: tasks, std::thread, locks
    (locks, critical, atomics), simd, loops (worksharing and reductions only)."""
    static = static_parallelism(code)
    live = live_code(code)
    if static.tasks:
        return "tasks"
    if static.other_threads:
        return "std::thread"
    if _LOCKS.search(live):
        return "locks"
    return "simd" if _SIMD.search(live) else "loops"


def corpus_kernels(limit: int | None):
    out = []
    for path in sorted(CORPUS.glob("*/*/*.cpp")):
        category, problem = path.parent.parent.name, path.parent.name
        out.append((f"{category}/{problem}/{path.name}",
                    load_problem(suite_dir() / category / problem), path.read_text()))  # fmt: skip
    return out[:limit] if limit else out


def kernels(limit: int | None):
    out = []
    for sp in load_suite(problem=TASK_EXPERTS + SAMPLE):
        assert sp.expert is not None
        out.append((f"{sp.id} (expert)", sp.problem, sp.expert.path.read_text()))
    for name in ("reduction", "stencil", "histogram"):
        d = ROOT / "examples" / name
        out.append(
            (f"examples/{name}", load_problem(d), (d / "candidates" / "good.cpp").read_text())
        )
    fixture = load_problem(FIXTURE)
    for f in ("tasks.cpp", "tree_tasks.cpp"):
        out.append((f"task_chunks/{f}", fixture, (FIXTURE / f).read_text()))
    return out[:limit] if limit else out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--limit", type=int, help="first N kernels only")
    ap.add_argument("--corpus", action="store_true",
                    help="the correct candidates of tests/fixtures/correct instead")  # fmt: skip
    args = ap.parse_args()
    print(f"race-step precision, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{args.reps} runs per kernel; load before: {Path('/proc/loadavg').read_text().split()[:3]}\n")  # fmt: skip
    print(
        "| kernel | kind | runs | rejected | runtime-reuse reports ignored | runs that had them "
        "| s/run |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    total = rejected = with_artifacts = 0
    per_kind: dict[str, list[int]] = {}
    chosen = corpus_kernels(args.limit) if args.corpus else kernels(args.limit)
    for label, problem, code in chosen:
        kind = kind_of(code)
        build = build_problem(problem)
        bad = reports = hit = 0
        start = time.monotonic()
        for _ in range(args.reps):
            step = race_check(build, code, 30.0)
            if not step.ok and not step.skipped:
                bad += 1
                print(f"  FALSE ALARM? {label}: {step.message[:200]}", file=sys.stderr)
            n = int(step.data.get("coverage", {}).get("artifacts_ignored", 0) or 0)
            n += int(step.data.get("artifacts_ignored", 0) or 0)
            reports += n
            hit += n > 0
        secs = (time.monotonic() - start) / args.reps
        total += args.reps
        rejected += bad
        with_artifacts += hit
        k = per_kind.setdefault(kind, [0, 0, 0, 0])
        k[0] += 1
        k[1] += args.reps
        k[2] += bad
        k[3] += hit
        print(f"| {label} | {kind} | {args.reps} | {bad} | {reports} | {hit} | {secs:.1f} |",
              flush=True)  # fmt: skip
    print(
        f"\nfalse alarms: {rejected}/{total} runs; without recognising task-memory reuse "
        f"there would have been {rejected + with_artifacts}/{total}"
    )
    for kind, (kernels_, runs, bad, hit) in sorted(per_kind.items()):
        print(f"  {kind}: {bad}/{runs} runs rejected over {kernels_} kernels "
              f"({hit} runs with runtime task-memory reuse reports ignored)")  # fmt: skip
    print(f"load after: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
