"""Does making each pair's inputs once (stored inputs) shorten timing? Side by side, in one run.

For a few input-heavy suite problems (a graph, a sparse matrix, a prefix sum by default)
the expert solution is timed against its reference with the same fixed number of pairs,
alternately with inputs made by every run (`made`: before) and made once per pair by a
save run and read by both runs (`stored`: tools.stored_inputs), `--repeats` times each.
Printed per measurement: the speedup and its interval, the timing wall, the time to make
one input set and the load; then per problem the mean walls, their ratio (stored/made)
with the spread over repeats, and whether the speedups agree.

Run: .venv/bin/python benchmarks/input_reuse.py [--repeats 2] [--reps 5]
     [--problems graph/triangle_count,sparse_la/spmv,scan/prefix_sum] [--modes made,stored]
Timing takes the machine-wide timing lock: other timings wait (and are told who holds it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen import machine  # noqa: E402
from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.types import Candidate, Measurement  # noqa: E402
from parcodegen.verify.pipeline import VerifyOptions, time_candidate  # noqa: E402

BUILTIN = ROOT / "problems" / "builtin"
DEFAULT = "graph/triangle_count,sparse_la/spmv,scan/prefix_sum"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(problem_id: str, mode: str, reps: int) -> Measurement:
    d = BUILTIN / problem_id
    problem = load_problem(d)
    code = (d / "solutions" / "expert.cpp").read_text()
    opts = VerifyOptions(difftest=False, race=False, timing_reps=reps, timing_inputs=mode,
                         slow_stop=0.0, timing_quiet_wait_s=0.0)  # fmt: skip
    verdict = time_candidate(problem, Candidate(code, origin="input_reuse"), opts)
    if verdict.measurement is None:
        raise SystemExit(f"{problem_id} ({mode}): no measurement: {verdict.message}")
    return verdict.measurement


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--problems", default=DEFAULT)
    ap.add_argument("--modes", default="made,stored", help="made (before), stored (new)")
    ap.add_argument("--repeats", type=int, default=2, help="measurements per problem and mode")
    ap.add_argument("--reps", type=int, default=5, help="timed pairs per measurement (fixed)")
    args = ap.parse_args()
    modes = args.modes.split(",")
    print(f"machine: {machine.profile().summary()}")
    print(f"load at start: {loadavg()}; {args.reps} timed pairs + 1 warm-up per measurement")
    walls: dict[tuple[str, str], list[float]] = {}
    speeds: dict[tuple[str, str], list[float]] = {}
    start = time.monotonic()
    for pid in args.problems.split(","):
        for k in range(args.repeats):
            for mode in modes if k % 2 == 0 else modes[::-1]:  # alternate which goes first
                m = measure(pid, mode, args.reps)
                wall = m.wall_s - m.lock_wait_s
                walls.setdefault((pid, mode), []).append(wall)
                speeds.setdefault((pid, mode), []).append(m.speedup)
                print(f"[{pid} {mode:6s} {k + 1}/{args.repeats}] {m.interval_text():34s} "
                      f"wall {wall:6.1f}s  inputs {m.generation_s * 1e3:6.0f} ms/set ({m.inputs}); "
                      f"load {loadavg()}", flush=True)  # fmt: skip
    print("\n| problem | mode | timing wall s (mean, min-max) | wall ratio vs made | speedups |")
    print("|---|---|---|---|---|")
    for pid in args.problems.split(","):
        base = walls.get((pid, "made"))
        for mode in modes:
            w = walls[(pid, mode)]
            ratio = f"{statistics.mean(w) / statistics.mean(base):.2f}x" if base else "-"
            sp = ", ".join(f"{x:.2f}" for x in speeds[(pid, mode)])
            print(f"| {pid} | {mode} | {statistics.mean(w):.1f} ({min(w):.1f}-{max(w):.1f}) | "
                  f"{ratio} | {sp} |")  # fmt: skip
    print(f"\nwall time of the whole benchmark: {time.monotonic() - start:.0f}s; "
          f"load at the end: {loadavg()}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
