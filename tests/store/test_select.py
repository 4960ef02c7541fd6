"""The result rule: fastest accepted candidate, never unverified, never slower."""

from parcodegen.agent.select import accepted, choose, conservative_speedup
from parcodegen.types import Attempt, Measurement, Status, StepResult, Verdict


def v(status=Status.PASS, ref=1.0, cand=0.5, spread=0.0):
    m = Measurement((ref,), (cand,), ref, cand, spread, spread, 2, 100) if cand else None
    return Verdict(status, (StepResult("timing", status is Status.PASS),), m)


def a(turn):
    return Attempt("r", "p#0", turn, "p", 0, "parallel", "parallel", "edit", "initial", Status.PASS)


def test_accepts_only_timed_passes_faster_than_the_minimum():
    assert accepted(v(cand=0.5), 1.05)
    assert not accepted(v(cand=0.99), 1.05)  # 1.01x < 1.05x
    assert not accepted(v(Status.RACE, cand=0.1), 1.05)  # fast but not verified
    assert not accepted(v(cand=None), 1.0)  # not timed


def test_spread_is_considered():
    wide = v(cand=0.9, spread=0.4)  # 1.11x but the spreads overlap
    assert conservative_speedup(wide.measurement) < 1.0
    assert not accepted(wide, 1.05)
    assert accepted(v(cand=0.9, spread=0.02), 1.05)


def test_choose_fastest_or_explain():
    c = choose([(a(0), v(cand=0.5)), (a(1), v(cand=0.25)), (a(2), v(Status.RACE, cand=0.1))], 1.05)
    assert c.attempt.turn == 1 and c.speedup == 4.0
    none = choose([(a(0), v(cand=2.0)), (a(1), v(Status.RACE))], 1.05)
    assert (
        none.attempt is None
        and "original is kept" in none.explanation
        and "0.50x" in none.explanation
    )
    failed = choose([(a(0), v(Status.COMPILE_ERROR, cand=None))], 1.05)
    assert "1 compile_error" in failed.explanation
