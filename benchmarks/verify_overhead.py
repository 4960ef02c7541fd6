"""What the verification pipeline costs beyond compiling and running the programs.

For each shipped example's good candidate, measured in this one run:
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


def main() -> None:
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
