"""Calls shorter than the launcher's clock resolution (tens of microseconds: its
timestamps are its wake-up latency late, and a short call can reach it as one event
pair). Timing batches them, K calls on K fresh inputs in one window; a window still
below the resolution gives no speed claim (inconclusive), never a suspect verdict for a
correct candidate. What the batch must still catch: a candidate wrong only after many
calls in one process, and a candidate writing its own events."""

from __future__ import annotations

import pytest

from parcodegen.memory.seed_kb import seed_dirs
from parcodegen.problems.load import load_problem
from parcodegen.types import Candidate, SpeedCall, Status
from parcodegen.verify.pipeline import VerifyOptions, verify

TINY = seed_dirs(names=["small_table_lookup"])[0]  # 64 table lookups: tens of nanoseconds
OPTS = VerifyOptions(race=False, timing_reps=3, threads=2, timing_quiet_wait_s=0)
FAST = (TINY / "fast.cpp").read_text()


def _timing(v):
    return next(s for s in v.steps if s.step == "timing")


def test_a_correct_tiny_call_is_batched_and_never_suspect():
    v = verify(load_problem(TINY), Candidate(FAST), OPTS)
    assert v.status is Status.PASS, v.message
    t = _timing(v)
    assert t.data["calls_per_window"] > 100, t.log
    assert "calls timed" in t.message and v.measurement is not None
    m = v.measurement
    assert m.speedup > 0 and m.candidate_mean > 0
    # per-call times: the window divided by the calls in it (well below a microsecond)
    assert max(m.reference_times) < 1e-5, m.reference_times
    if m.interval is None:  # windows below the resolution: no claim, never a pass on speed
        assert m.call is SpeedCall.INCONCLUSIVE and "resolution" in m.reason


def test_a_candidate_wrong_after_many_calls_is_caught_by_the_batch():
    # right for the first 300 calls of a process (difftest makes a handful per process),
    # then a wrong answer: only the timing batch makes that many calls
    code = FAST.replace(
        "    long s = 0;", "    static long calls = 0;\n    long s = ++calls > 300 ? 1 : 0;"
    )
    assert code != FAST
    v = verify(load_problem(TINY), Candidate(code), OPTS)
    assert v.status is Status.WRONG_OUTPUT, v.message
    assert "of a batch of" in v.message


@pytest.mark.parametrize(
    "events, status",
    [('"ES"', Status.SUSPECT), ('"E"', Status.CRASH)],  # an E without an S: broken protocol
    ids=["end-early-start-late", "end-early"],
)
def test_a_candidate_writing_its_own_events_is_not_a_timing(events, status):
    # ends the launcher's window at once and (or) opens a second one: not a timing
    code = FAST.replace(
        "    long s = 0;",
        f"    long s = 0;\n    (void)!write(3, {events}, sizeof({events}) - 1);",
    ).replace("#include <vector>", "#include <vector>\n#include <unistd.h>")
    opts = VerifyOptions(difftest=False, race=False, timing_reps=3, threads=2,
                         timing_quiet_wait_s=0)  # fmt: skip
    v = verify(load_problem(TINY), Candidate(code), opts)
    assert v.status is status, v.message
