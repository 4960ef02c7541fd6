"""Can a speed verdict be trusted on a shared machine? Pairs of known relation, timed
repeatedly, on the machine as it is and under synthetic load, in one run.

Pairs (the true relation is known by construction):
- same:   examples/reduction's reference against the same code (one binary): 1.00x;
- expert: a suite expert against its reference (reduce/count_primes by default): faster;
- slow2x: examples/reduction's reference against a variant that does the work twice
          (serial, like the reference): 0.50x.

Conditions: `quiet` (no load added; whatever else runs on the machine is reported) and
`loaded` (the benchmark starts one bounded CPU-burning process per CPU, and stops them).
Each pair is measured `--repeats` times per condition with the default adaptive timing
(`verify`'s timing step), and once with the fixed timing of before (1 warm-up + 5 pairs,
no waiting, no early stop) for the wall-time comparison. Printed for every measurement:
the call, the speedup and its interval, the interval's half-width, pairs, wall time and
the load seen; then the issue's targets: no "faster" for the same binary under load;
quiet, the repeated estimates of one pair within 5% (max/min) with a timing wall at most
1.5x the fixed timing's.

Runnable in parts: `--conditions quiet` (or `loaded`) runs one condition only, `--pairs`
picks pairs, `--fixed-repeats N` sets how many fixed 1+5 timings per pair are taken for
the wall comparison (interleaved with the quiet measurements; 0: none, no wall ratio).
The quiet-machine targets alone (the agreement of 5 estimates and the timing wall
against the fixed timing's), in a few minutes:

  .venv/bin/python benchmarks/timing_noise.py --conditions quiet --pairs expert,slow2x \
      --repeats 5 --fixed-repeats 2

Run: .venv/bin/python benchmarks/timing_noise.py [--repeats 5] [--loaded-repeats 3]
Timing takes the machine-wide timing lock: other timings wait (and are told who holds it).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen import machine  # noqa: E402
from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.types import Candidate, Measurement, SpeedCall  # noqa: E402
from parcodegen.verify.pipeline import VerifyOptions, time_candidate  # noqa: E402

EXAMPLE = ROOT / "examples" / "reduction"
BUILTIN = ROOT / "problems" / "builtin"
BURN_LIMIT_S = 1800  # a burner never outlives this, whatever happens to the benchmark

TWICE = """#include <cmath>
#include <vector>

static double energy_once(const std::vector<double>& x) {
    double sum = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) sum += std::exp(-0.5 * x[i] * x[i]);
    return sum;
}

double gaussian_energy(const std::vector<double>& x) {
    volatile double first = energy_once(x);
    asm volatile("" ::: "memory");  // the second pass cannot reuse the first
    (void)first;
    return energy_once(x);
}
"""


@dataclass
class Pair:
    name: str
    expected: str
    problem_dir: Path
    code: str


@dataclass
class Row:
    condition: str
    pair: str
    measurements: list[Measurement] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)


def pairs(expert: str) -> list[Pair]:
    ref = load_problem(EXAMPLE).reference_code
    exp_dir = BUILTIN / expert
    exp_code = (exp_dir / "solutions" / "expert.cpp").read_text()
    return [
        Pair("same", "1.00x (same code)", EXAMPLE, ref),
        Pair("expert", f"faster ({expert} expert)", exp_dir, exp_code),
        Pair("slow2x", "0.50x (work done twice)", EXAMPLE, TWICE),
    ]


class Burners:
    """One CPU-burning process per CPU, each bounded in time, all stopped on exit."""

    def __init__(self, count: int):
        self.count = count
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Burners:
        code = f"import time\nend = time.time() + {BURN_LIMIT_S}\nwhile time.time() < end: pass\n"
        for _ in range(self.count):
            self.procs.append(subprocess.Popen([sys.executable, "-c", code]))
        time.sleep(2.0)  # let the load show in the run queue
        return self

    def __exit__(self, *exc: object) -> None:
        for p in self.procs:
            p.send_signal(signal.SIGKILL)
        for p in self.procs:
            p.wait()


def measure_once(pair: Pair, options: VerifyOptions) -> tuple[Measurement, float]:
    problem = load_problem(pair.problem_dir)
    start = time.monotonic()
    verdict = time_candidate(problem, Candidate(pair.code, origin="timing_noise"), options)
    wall = time.monotonic() - start
    if verdict.measurement is None:
        raise SystemExit(f"{pair.name}: no measurement: {verdict.status.value}: {verdict.message}")
    return verdict.measurement, wall


def fmt(m: Measurement) -> str:
    call = m.call.value if m.call else "?"
    half = "" if m.interval is None else f" +-{(m.upper / m.speedup - 1):.1%}"
    load = m.load
    seen = (
        f"load {load.loadavg_before:.1f}->{load.loadavg_after:.1f}, queue {load.competing_mean:.1f}, "
        f"stall {load.stall_share or 0:.0%}, {load.discarded_pairs} left out, waited {load.waited_s:.0f}s"
        if load
        else ""
    )
    return f"{call:12s} {m.interval_text():34s}{half:8s} {m.wall_s:6.1f}s  {seen}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="measurements per pair, quiet")
    ap.add_argument("--loaded-repeats", type=int, default=3, help="measurements per pair, loaded")
    ap.add_argument("--expert", default="reduce/count_primes", help="suite problem for 'expert'")
    ap.add_argument("--burners", type=int, default=machine.usable_cpus(),
                    help="CPU-burning processes under load (default: one per CPU)")  # fmt: skip
    ap.add_argument("--pairs", default="same,expert,slow2x")
    ap.add_argument("--conditions", default="quiet,loaded",
                    help="quiet, loaded or both (default both)")  # fmt: skip
    ap.add_argument("--fixed-repeats", type=int, default=1,
                    help="fixed 1+5 timings per pair for the wall comparison (default 1)")  # fmt: skip
    ap.add_argument("--inputs", default="auto", choices=("auto", "stored", "made"),
                    help="the adaptive timing's inputs (the fixed one always makes them per run)")  # fmt: skip
    args = ap.parse_args()
    chosen = [p for p in pairs(args.expert) if p.name in args.pairs.split(",")]
    conditions = [c for c in args.conditions.split(",") if c]
    if not chosen or not conditions or set(conditions) - {"quiet", "loaded"}:
        ap.error("--pairs: same, expert, slow2x; --conditions: quiet, loaded")
    print(f"machine: {machine.profile().summary()}")
    print(f"load at start: {open('/proc/loadavg').read().strip()}  (pid {os.getpid()})")
    default = VerifyOptions(difftest=False, race=False, timing_inputs=args.inputs)
    legacy = VerifyOptions(difftest=False, race=False, timing_reps=5, slow_stop=0.0,
                           timing_quiet_wait_s=0.0, timing_inputs="made")  # fmt: skip
    rows: list[Row] = []
    legacy_walls: dict[str, list[float]] = {p.name: [] for p in chosen}
    start = time.monotonic()

    def fixed(pair: Pair) -> None:  # the fixed timing of before, no load added
        m, _ = measure_once(pair, legacy)
        legacy_walls[pair.name].append(m.wall_s - m.lock_wait_s)  # not the lock wait
        print(f"[fixed 1+5] {pair.name:7s} {fmt(m)}", flush=True)

    for condition in conditions:
        repeats = args.repeats if condition == "quiet" else args.loaded_repeats
        ctx = Burners(args.burners) if condition == "loaded" else None
        if ctx:
            ctx.__enter__()
        try:
            for pair in chosen:
                row = Row(condition, pair.name)
                rows.append(row)
                for k in range(repeats):
                    if condition == "quiet" and k < args.fixed_repeats:
                        fixed(pair)  # interleaved with the adaptive ones: the same machine
                    m, wall = measure_once(pair, default)
                    row.measurements.append(m)
                    row.walls.append(wall)
                    print(f"[{condition} {k + 1}/{repeats}] {pair.name:7s} {fmt(m)}", flush=True)
        finally:
            if ctx:
                ctx.__exit__()
    if "quiet" not in conditions:
        for pair in chosen:
            for _ in range(args.fixed_repeats):
                fixed(pair)
    walls = {k: sum(v) / len(v) for k, v in legacy_walls.items() if v}
    report(rows, chosen, walls, time.monotonic() - start)
    return 0


def report(
    rows: list[Row], chosen: list[Pair], legacy_walls: dict[str, float], total: float
) -> None:
    print(
        "\n| condition | pair | expected | calls | speedups | half-widths | pairs | timing wall s (mean) | load (1-min) |"
    )
    print("|---|---|---|---|---|---|---|---:|---|")
    expected = {p.name: p.expected for p in chosen}
    for r in rows:
        ms = r.measurements
        calls = ", ".join(m.call.value if m.call else "?" for m in ms)
        speeds = ", ".join(f"{m.speedup:.2f}" for m in ms)
        halves = ", ".join(f"{(m.upper / m.speedup - 1):.1%}" if m.interval else "-" for m in ms)
        reps = ", ".join(str(m.reps) for m in ms)
        wall = sum(m.wall_s - m.lock_wait_s for m in ms) / len(ms)
        loads = [m.load.loadavg_before for m in ms if m.load]
        load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "?"
        print(
            f"| {r.condition} | {r.pair} | {expected[r.pair]} | {calls} | {speeds} | {halves} | {reps} | {wall:.1f} | {load} |"
        )
    print(f"\nwall time of the whole benchmark: {total:.0f}s; load at the end: "
          f"{open('/proc/loadavg').read().strip()}")  # fmt: skip
    print("\ntargets:")
    for r in rows:
        ms = r.measurements
        if r.condition == "loaded" and r.pair == "same":
            faster = sum(m.call is SpeedCall.FASTER for m in ms)
            print(f"- same binary under load, no 'faster' verdict: {'MET' if not faster else 'MISSED'} "
                  f"({faster} of {len(ms)} faster)")  # fmt: skip
        if r.condition == "quiet" and ms and r.pair != "same":
            est = [m.speedup for m in ms]
            agree = max(est) / min(est)
            wall = sum(m.wall_s - m.lock_wait_s for m in ms) / len(ms)
            ratio = wall / legacy_walls[r.pair] if legacy_walls.get(r.pair) else float("nan")
            if ratio != ratio:
                print(
                    f"- quiet, {r.pair}: no fixed timing taken (--fixed-repeats 0): no wall ratio"
                )
            quiet = all(m.load is not None and not m.load.busy for m in ms)
            print(f"- quiet, {r.pair}: {len(ms)} estimates agree within {agree - 1:.1%} "
                  f"(target 5%: {'MET' if agree <= 1.05 else 'MISSED'}); timing wall "
                  f"{ratio:.2f}x the fixed 1+5 timing's (target <= 1.5x: "
                  f"{'MET' if ratio <= 1.5 else 'MISSED'}); machine "
                  f"{'quiet in every measurement' if quiet else 'NOT quiet (shared): see load'}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
