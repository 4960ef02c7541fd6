"""The result rule: never unverified, never slower.

A candidate is accepted when it passed every check, was timed, and the lower bound of its
speedup's confidence interval clears `min_speedup` (the point value is never enough).
Measurements stored before intervals existed fall back to the spread rule: the speedup
at least `min_speedup` and still faster with the reference at the low end of its spread
and the candidate at the high end. The result is the fastest accepted candidate; with
none, the original, with an explanation ("inconclusive" and why, when the interval did
not decide).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from parcodegen.types import Attempt, Measurement, SpeedCall, Status, Verdict


def conservative_speedup(m: Measurement) -> float:
    ref = m.reference_mean * (1.0 - m.reference_spread / 2.0)
    cand = m.candidate_mean * (1.0 + m.candidate_spread / 2.0)
    return ref / cand if cand > 0 else 0.0


def accepted(verdict: Verdict, min_speedup: float) -> bool:
    m = verdict.measurement
    if not verdict.passed or m is None:
        return False
    if m.interval is None and m.call is SpeedCall.INCONCLUSIVE and m.reps >= 2:
        return False  # the timing withheld an interval (calls below the clock's resolution)
    if m.lower is not None:
        return m.lower >= min_speedup and m.lower > 1.0
    return m.speedup >= min_speedup and conservative_speedup(m) > 1.0


@dataclass(frozen=True)
class Choice:
    attempt: Attempt | None  # None: the original is kept
    verdict: Verdict | None
    explanation: str

    @property
    def speedup(self) -> float | None:
        return self.verdict.speedup if self.verdict else None


def choose(tried: Iterable[tuple[Attempt, Verdict]], min_speedup: float) -> Choice:
    tried = list(tried)
    good = [(a, v) for a, v in tried if accepted(v, min_speedup)]
    if good:
        a, v = max(good, key=lambda av: (av[1].speedup or 0.0, -av[0].turn))
        return Choice(
            a, v, f"fastest verified candidate: {v.speedup:.2f}x ({a.episode} turn {a.turn})"
        )
    return Choice(None, None, explain_none(tried, min_speedup))


def explain_none(tried: list[tuple[Attempt, Verdict]], min_speedup: float) -> str:
    if not tried:
        return "no candidate was produced (budget or run stopped first); the original is kept"
    passed = [v for _, v in tried if v.passed]
    timed = [v for v in passed if v.measurement is not None]
    counts = Counter(v.status.value for _, v in tried)
    breakdown = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if all(v.status is Status.NO_CODE for _, v in tried):
        reasons = list(dict.fromkeys(v.message for _, v in tried if v.message))
        why = "; ".join(reasons) or "no code in the replies"
        why = why.removesuffix("; the original is kept")  # (autopar's reason says it too)
        return f"the backend proposed no code in {len(tried)} turn(s): {why}; the original is kept"
    if not passed:
        unchecked = next((v for _, v in tried if v.status.value == "unchecked"), None)
        if unchecked is not None:
            return (f"no candidate passed verification ({breakdown}); not checked: "
                    f"{'; '.join(unchecked.unchecked)} (--allow-unchecked accepts such code); "
                    "the original is kept")  # fmt: skip
        return f"no candidate passed verification ({breakdown}); the original is kept"
    if not timed:
        return (
            f"{len(passed)} candidate(s) passed but none was timed (timing off), so no "
            "speedup can be claimed; the original is kept"
        )
    best = max(timed, key=lambda v: v.speedup or 0.0)
    m = best.measurement
    assert m is not None
    if m.interval is not None:
        lo = m.lower or 0.0
        verdict = "inconclusive" if lo <= min_speedup < (m.upper or 0.0) else "not faster"
        why = f": {m.reason}" if m.reason else ""
        load = f"; {m.load.summary()}" if m.load is not None else ""
        return (
            f"{len(passed)} candidate(s) passed but none was clearly faster than the original: "
            f"{verdict} (best {m.interval_text()}; the interval's lower bound must clear "
            f"{min_speedup:.2f}x{why}{load}); the original is kept"
        )
    return (
        f"{len(passed)} candidate(s) passed but none was clearly faster than the original "
        f"(best {m.speedup:.2f}x, spread {m.candidate_spread:.0%}/{m.reference_spread:.0%}; "
        f"required {min_speedup:.2f}x); the original is kept"
    )
