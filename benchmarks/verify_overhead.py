"""What the verification pipeline costs: the checks of before against today's, and (with
--bare) beyond compiling and running the programs.

Default (old vs new, side by side in one run): for each shipped example's good candidate
and a sample of suite experts, `verify(..., timing=False)` with the old checks
(`VerifyOptions(legacy_checks=True)`: one call per process, race at one size and threads
2 and 4) and with today's (multi-call difftest with environment variants, the race plan),
interleaved old/new for --reps repetitions after one warm-up each (caches filled, as when
the agent loop re-verifies). Prints the median wall of each, the ratio new/old, the
spread (min..max) and the machine load before and after.

With --bare, for each shipped example's good candidate, measured in this one run:
- bare: g++ compiles harness, reference and candidate, links both programs, clang builds
  the instrumented candidate, and every difftest/race run is a plain subprocess (no sandbox,
  no output comparison, no caches);
- pipeline (cold): `verify(..., timing=False)` with empty caches;
- pipeline (warm): the same again, with the object/binary caches filled.
Prints a Markdown table with the ratios. Run: .venv/bin/python benchmarks/verify_overhead.py
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.paths import HARNESS_INCLUDE  # noqa: E402
from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.tools import build as build_mod  # noqa: E402
from parcodegen.tools import difftest as difftest_mod  # noqa: E402
from parcodegen.tools.build import harness_params  # noqa: E402
from parcodegen.tools.compile import GCC_FLAGS, TSAN_FLAGS  # noqa: E402
from parcodegen.tools.difftest import cases, default_threads  # noqa: E402
from parcodegen.tools.harness import harness_source  # noqa: E402
from parcodegen.tools.race import RACE_THREADS, archer_library, race_size  # noqa: E402
from parcodegen.types import Candidate  # noqa: E402
from parcodegen.verify.pipeline import VerifyOptions, verify  # noqa: E402

EXAMPLES = ["reduction", "stencil", "histogram"]
SUITE_SAMPLE = ["reduce/log_likelihood", "scan/prefix_sum", "sort/argsort", "stencil/blur_3x3",
                "dense_la/matmul", "graph/bfs_levels", "sparse_la/spmv", "fft/dft"]  # fmt: skip


def sh(argv: list[str], cwd: Path, env: dict | None = None) -> None:
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, env=env)


def bare_run(prog: str, params: bytes, d: Path, env: dict) -> None:
    """A harness program outside the sandbox: events to /dev/null, results to a file."""
    with open(d / "out.bin", "wb") as results, open(os.devnull, "wb") as events:

        def fds() -> None:  # out of the way first: either may already sit on 3 or 4
            ev = fcntl.fcntl(events.fileno(), fcntl.F_DUPFD, 10)
            res = fcntl.fcntl(results.fileno(), fcntl.F_DUPFD, 10)
            os.dup2(ev, 3)
            os.dup2(res, 4)

        subprocess.run([prog], cwd=d, env=env, input=params, preexec_fn=fds, check=True, close_fds=False,
                       capture_output=True)  # fmt: skip


def bare(problem, code: str) -> float:
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "harness.cpp").write_text(harness_source(problem))
        (d / "reference.cpp").write_text(problem.reference_code)
        (d / "candidate.cpp").write_text(code)
        inc = ["-I", str(HARNESS_INCLUDE), "-I", str(problem.directory)]
        for name in ("harness", "reference", "candidate"):
            sh(["g++", *GCC_FLAGS, *inc, "-c", f"{name}.cpp", "-o", f"{name}.o"], d)
        sh(["g++", "-fopenmp", "harness.o", "reference.o", "-o", "ref"], d)
        sh(["g++", "-fopenmp", "harness.o", "candidate.o", "-o", "cand"], d)
        sh(["clang++", *TSAN_FLAGS, *inc, "-c", "harness.cpp", "-o", "th.o"], d)
        sh(["clang++", *TSAN_FLAGS, *inc, "-c", "candidate.cpp", "-o", "tc.o"], d)
        sh(["clang++", "-fopenmp", "-fsanitize=thread", "th.o", "tc.o", "-o", "tsan"], d)
        env = dict(os.environ, OMP_WAIT_POLICY="passive")
        for case in cases(problem.test_sizes, problem.patterns, 1):
            args = harness_params(case.seed, case.n, case.pattern, 0)
            bare_run("./ref", args, d, dict(env, OMP_NUM_THREADS="1"))
            for t in default_threads():
                bare_run("./cand", args, d, dict(env, OMP_NUM_THREADS=str(t)))
        tenv = dict(env, TSAN_OPTIONS="ignore_noninstrumented_modules=1",
                    OMP_TOOL_LIBRARIES=archer_library() or "")  # fmt: skip
        for t in RACE_THREADS:
            bare_run("./tsan", harness_params(7, race_size(problem), problem.patterns[0], 0), d,
                     dict(tenv, OMP_NUM_THREADS=str(t)))  # fmt: skip
    return time.monotonic() - start


def pipeline(problem, code: str) -> float:
    start = time.monotonic()
    verdict = verify(problem, Candidate(code), VerifyOptions(timing=False))
    if not verdict.passed:
        raise SystemExit(
            f"{problem.id}: expected pass, got {verdict.status.value}: {verdict.message}"
        )
    return time.monotonic() - start


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def timed_verify(problem, code: str, legacy: bool) -> float:
    start = time.monotonic()
    verdict = verify(problem, Candidate(code), VerifyOptions(timing=False, legacy_checks=legacy))
    if not verdict.passed:
        raise SystemExit(f"{problem.id}: expected pass, got {verdict.status.value}: "
                         f"{verdict.message}")  # fmt: skip
    return time.monotonic() - start


def compare(reps: int, only: list[str] | None) -> None:
    from statistics import median

    from parcodegen.problems.suite import load_suite

    cases = []
    for name in EXAMPLES:
        d = ROOT / "examples" / name
        cases.append(
            (f"examples/{name}", load_problem(d), (d / "candidates" / "good.cpp").read_text())
        )
    for sp in load_suite(problem=SUITE_SAMPLE):
        assert sp.expert is not None
        cases.append((sp.id, sp.problem, sp.expert.path.read_text()))
    if only:
        cases = [c for c in cases if c[0] in only]
    before = load()
    print(
        f"verify --no-timing wall, old checks vs new, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {reps} repetitions each (interleaved, after a warm-up)"
    )
    print(f"load average before: {before}\n")
    print("| problem | old median (s) | old min..max | new median (s) | new min..max | new / old |")
    print("|---|---:|---:|---:|---:|---:|")
    ratios = []
    for label, problem, code in cases:
        timed_verify(problem, code, True)  # warm-up: compiles, reference outputs
        timed_verify(problem, code, False)
        old: list[float] = []
        new: list[float] = []
        for i in range(reps):
            order = (True, False) if i % 2 == 0 else (False, True)
            for legacy in order:
                (old if legacy else new).append(timed_verify(problem, code, legacy))
        r = median(new) / median(old)
        ratios.append(r)
        print(f"| {label} | {median(old):.2f} | {min(old):.2f}..{max(old):.2f} | {median(new):.2f} "
              f"| {min(new):.2f}..{max(new):.2f} | {r:.2f} |", flush=True)  # fmt: skip
    import math

    gm = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
    print(f"\ngeometric mean new/old: {gm:.2f}; median of ratios: {median(ratios):.2f}; "
          f"max: {max(ratios):.2f}")  # fmt: skip
    print(f"load average after: {load()}")


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", help="comma-separated labels (e.g. examples/reduction,fft/dft)")
    ap.add_argument("--bare", action="store_true", help="the old table: pipeline vs bare runs")
    args = ap.parse_args()
    if not args.bare:
        compare(max(1, args.reps), args.only.split(",") if args.only else None)
        return
    rows = []
    for name in EXAMPLES:
        problem = load_problem(ROOT / "examples" / name)
        code = (ROOT / "examples" / name / "candidates" / "good.cpp").read_text()
        b = bare(problem, code)
        with tempfile.TemporaryDirectory() as cache:
            os.environ["PARCODEGEN_CACHE_DIR"] = cache
            build_mod._builds.clear()
            difftest_mod.REFERENCES._items.clear()
            cold = pipeline(problem, code)
            warm = pipeline(problem, code)
        rows.append((name, b, cold, warm))
    print(f"verify overhead, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print(
        "| example | bare compile+run (s) | pipeline cold (s) | cold / bare | pipeline warm (s) | warm / bare |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, b, cold, warm in rows:
        print(f"| {name} | {b:.2f} | {cold:.2f} | {cold / b:.2f} | {warm:.2f} | {warm / b:.2f} |")


if __name__ == "__main__":
    main()
