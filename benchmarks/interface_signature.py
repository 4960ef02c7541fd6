"""What the interface step's return-type check (tools/signature.py) adds to a verify.

For a few problems, with the expert solution made unique per repetition (a comment) so
nothing comes from the caches, interleaved in this one run:
- compile: the candidate's object compile (`compile_object`, -O3, sandboxed);
- check: the signature check's `-fsyntax-only` compile (sandboxed), cold;
- check (cached): the same check again, answered from the disk cache;
- verify: the whole `verify(timing=False)` of the candidate (compile, interface with the
  check, difftest, race), cold.
Prints medians and the check's share. Run: .venv/bin/python benchmarks/interface_signature.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.tools.build import build_problem  # noqa: E402
from parcodegen.tools.compile import compile_object  # noqa: E402
from parcodegen.tools.signature import check_signature  # noqa: E402
from parcodegen.types import Candidate  # noqa: E402
from parcodegen.verify.pipeline import VerifyOptions, verify  # noqa: E402

PROBLEMS = ["reduce/count_primes", "sparse_la/csr_transpose", "dense_la/matmul"]


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.monotonic()
    result = fn(*args, **kwargs)
    return time.monotonic() - start, result


def measure(problem_dir: Path, reps: int) -> dict[str, float]:
    p = load_problem(problem_dir)
    b = build_problem(p)
    expert = (problem_dir / "solutions" / "expert.cpp").read_text()
    opts = {"headers": b.headers, "flags": b.flags, "compiler": b.compiler}
    rows: dict[str, list[float]] = {"compile": [], "check": [], "check (cached)": [], "verify": []}
    for _ in range(reps):
        code = f"{expert}\n// {uuid.uuid4().hex}\n"
        rows["compile"].append(timed(compile_object, code, **opts)[0])
        seconds, sig = timed(check_signature, p, code, **opts)
        if sig.verdict != "match" or sig.cached:
            raise SystemExit(f"{p.id}: expected a cold match, got {sig}")
        rows["check"].append(seconds)
        rows["check (cached)"].append(timed(check_signature, p, code, **opts)[0])
        fresh = Candidate(f"{expert}\n// {uuid.uuid4().hex}\n")
        seconds, verdict = timed(verify, p, fresh, VerifyOptions(timing=False))
        if not verdict.passed:
            raise SystemExit(f"{p.id}: the expert did not pass: {verdict.message}")
        rows["verify"].append(seconds)
    return {k: statistics.median(v) for k, v in rows.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("problems", nargs="*", default=PROBLEMS)
    args = ap.parse_args()
    print(
        "| problem | compile s | check s | check cached s | verify s | check/compile | check/verify |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for pid in args.problems:
        m = measure(ROOT / "problems" / "builtin" / pid, args.reps)
        print(f"| {pid} | {m['compile']:.3f} | {m['check']:.3f} | {m['check (cached)']:.4f} | "
              f"{m['verify']:.2f} | {m['check'] / m['compile']:.2f} | "
              f"{100 * m['check'] / m['verify']:.1f}% |")  # fmt: skip
    print(f"medians of {args.reps} repetitions; 2 shared cores, other jobs running: noisy")


if __name__ == "__main__":
    main()
