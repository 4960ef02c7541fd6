"""What a measurement concludes, on real harness programs (a small copy of a suite problem).

No speed figure is asserted beyond what any machine shows: the same binary twice is
never called faster or slower, a candidate that does the work 400 times is stopped
early as much slower (status pass), a hanging one too (not a timeout), a fixed number
of pairs is honoured, and the lock says who holds it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from parcodegen.agent.select import accepted, explain_none
from parcodegen.problems.load import load_problem
from parcodegen.store.codec import verdict_from_dict
from parcodegen.tools.build import build_problem
from parcodegen.tools.timing import TimingPlan, measure
from parcodegen.tools.timing_lock import exclusive_timing
from parcodegen.types import Attempt, Measurement, SpeedCall, Status, Verdict

from test_timing import CORRECT, candidate_binary, copy_problem

N = 2_000_000
QUICK = TimingPlan(quiet_wait_s=0.0)
SRC = Path(__file__).resolve().parents[2] / "src"

REPEATED = CORRECT.replace(
    "  long s = 0;\n  for",
    "  for (int r = 0; r < 400; ++r) {\n    long s = 0;\n    for",
).replace(
    "out[i] = (s += in[i]);\n}",
    'out[i] = (s += in[i]);\n    asm volatile("" ::: "memory");\n  }\n}',
)
HANGS = CORRECT.replace(
    "out[i] = (s += in[i]);\n}",
    "out[i] = (s += in[i]);\n  if (in.size() >= 1000000) for (volatile int x = 0;; x = x + 1) {}\n}",
)


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    return build_problem(
        load_problem(copy_problem("scan/prefix_sum", tmp_path_factory.mktemp("d"), bench=N))
    )


def test_the_same_binary_twice_is_never_called_faster_or_slower(prefix):
    plan = TimingPlan(quiet_wait_s=0.0, confidence=0.999, max_reps=20)
    step, m = measure(prefix, prefix.reference_bin, threads=2, plan=plan)
    assert step.ok and m is not None, step.message
    assert m.call in (SpeedCall.SAME, SpeedCall.INCONCLUSIVE), step.message
    assert m.interval is not None and m.lower <= 1.0 <= m.upper
    assert m.reps >= 5 and m.stop_reason in ("target", "max_reps", "time_budget")
    assert m.load is not None and m.load.loadavg_after >= 0 and m.machine is not None
    assert m.machine.usable_cpus >= 1 and m.machine.compiler
    assert (
        f"({m.confidence:.0%}, {m.reps} pairs)" in step.message and "machine: load" in step.message
    )
    assert m.generation_s > 0 and "to generate per input set (not timed" in step.message


def test_a_fixed_number_of_pairs_is_honoured(prefix):
    step, m = measure(prefix, candidate_binary(prefix, CORRECT), threads=2, reps=3, plan=QUICK)
    assert step.ok and m.reps == 3 and m.stop_reason == "fixed_reps"
    assert m.interval is not None  # three pairs still give an interval


def test_a_hopeless_candidate_stops_early_as_much_slower(prefix):
    start = time.monotonic()
    step, m = measure(prefix, candidate_binary(prefix, REPEATED), threads=2, plan=QUICK)
    assert step.ok and step.status is None, step.message  # status pass: correct, just slow
    assert m.call is SpeedCall.MUCH_SLOWER and m.speedup < 0.2 and m.upper < 1.0
    assert m.stop_reason == "much_slower" and m.reps == 1
    assert "much slower" in step.message and "stopped early" in step.message
    assert time.monotonic() - start - m.lock_wait_s < 60  # waiting for the lock not counted


def test_a_hanging_candidate_is_much_slower_not_a_timeout(prefix):
    start = time.monotonic()
    step, m = measure(prefix, candidate_binary(prefix, HANGS), threads=2, plan=QUICK)
    assert step.ok and m.call is SpeedCall.MUCH_SLOWER, step.message
    assert "did not finish within" in m.reason and m.upper < 1.0
    assert time.monotonic() - start - m.lock_wait_s < 60  # two early limits, not 10x


def test_without_early_stop_a_hang_is_a_timeout(prefix):
    plan = TimingPlan(quiet_wait_s=0.0, slow_stop=0.0, reps=1)
    step, m = measure(prefix, candidate_binary(prefix, HANGS), threads=2, plan=plan)
    assert not step.ok and step.status is Status.TIMEOUT and m is None


def test_waiting_for_the_lock_says_who_holds_it():
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from parcodegen.tools.timing_lock import exclusive_timing\n"
         "with exclusive_timing('holder-test'):\n"
         "    print('locked', flush=True)\n"
         "    time.sleep(2.5)\n"],
        stdout=subprocess.PIPE, text=True, env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        said: list[str] = []
        with exclusive_timing("waiter", notify=said.append) as wait:
            assert wait.waited_s > 1.0
        assert said and said[0].startswith("waiting for the timing lock: held by pid ")
        assert f"pid {holder.pid} (holder-test) since " in said[0] and "UTC" in said[0]
    finally:
        holder.wait(timeout=30)


def _verdict(estimate: float, interval: tuple[float, float] | None) -> Verdict:
    m = Measurement((1.0,) * 6, (1.0 / estimate,) * 6, 1.0, 1.0 / estimate, 0.0, 0.0, 2, 10,
                    estimate=estimate if interval else None, interval=interval,
                    call=SpeedCall.INCONCLUSIVE if interval and interval[0] <= 1 else None,
                    reason="the interval includes 1")  # fmt: skip
    return Verdict(Status.PASS, (), m)


def test_optimize_accepts_only_when_the_lower_bound_clears_the_threshold():
    assert not accepted(_verdict(1.5, (0.98, 2.2)), 1.05)  # the point value is not enough
    assert not accepted(_verdict(1.5, (1.03, 2.2)), 1.05)
    assert accepted(_verdict(1.5, (1.2, 1.8)), 1.05)
    assert accepted(_verdict(1.5, None), 1.05)  # an old record: the spread rule
    a = Attempt("r", "p#0", 0, "p", 0, "s", "", "edit", "initial", Status.PASS)
    why = explain_none([(a, _verdict(1.5, (0.98, 2.2)))], 1.05)
    assert "inconclusive" in why and "1.50x [0.98, 2.20]" in why and "lower bound" in why


def test_a_measurement_round_trips_through_the_store(prefix):
    _, m = measure(prefix, candidate_binary(prefix, CORRECT), threads=2, reps=2, plan=QUICK)
    v = Verdict(Status.PASS, (), m)
    back = verdict_from_dict(v.to_dict()).measurement
    assert back == m
