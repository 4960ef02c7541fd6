"""Evaluate candidates: correctness checks in parallel, then timing one at a time.

Phase one verifies every new candidate of a round with timing off, in a thread pool
(verification is subprocess-bound). Phase two times the candidates that passed, one after
another, with nothing else running: `time_candidate` (the build phase, cached, and the
timing phase) runs the interleaved timing; its timing step and measurement are merged
into the phase-one verdict. A verdict is computed once per
(problem, candidate): a duplicate candidate reuses it.

A harness fault (InfraError, or a verdict with status infra_error) is raised as
InfraError: it stops the run and is never stored or shown to the model as a verdict.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from parcodegen.agent.config import LoopConfig
from parcodegen.errors import InfraError
from parcodegen.types import Candidate, Problem, Status, StepResult, Verdict

VerifyFn = Callable[..., Verdict]

TIMING_LOCK = threading.Lock()  # one timing at a time in this process


def extract(reply: str, function: str) -> tuple[str | None, StepResult]:
    """The candidate translation unit in a reply, or None with the NO_CODE step."""
    from parcodegen.tools.extract import extract_code

    step = extract_code(reply, function)
    code = step.data.get("code") if step.ok else None
    return (code or None), step


# a reply that holds no code on purpose says why on a line starting with one of these
# (the autopar backend: nothing is safe / worth parallelizing, every variant proposed)
_DECLINED = (
    "nothing is safe to parallelize",
    "nothing is worth parallelizing",
    "autopar has no further",
)


def no_code_verdict(step: StepResult, reply: str = "") -> Verdict:
    """NO_CODE; when the reply declines on purpose, its reason becomes the message."""
    reason = next((ln.strip() for ln in reply.splitlines() if ln.strip().startswith(_DECLINED)), "")
    if step.ok or reason:  # extract found nothing usable although it said ok
        step = StepResult("extract", False, Status.NO_CODE, reason or "no code found in the reply")
    return Verdict(Status.NO_CODE, (step,))


def default_verify() -> VerifyFn:
    from parcodegen.verify.pipeline import check_candidate

    return check_candidate


def default_timing() -> VerifyFn:
    from parcodegen.verify.pipeline import time_candidate

    return time_candidate


class Evaluator:
    def __init__(self, config: LoopConfig, verify_fn: VerifyFn | None = None,
                 timing_fn: VerifyFn | None = None):  # fmt: skip
        """`verify_fn` runs the correctness checks, `timing_fn` the timing phase."""
        self.config = config
        self.verify_fn = verify_fn or default_verify()
        self.timing_fn = timing_fn or default_timing()
        self.cache: dict[tuple[str, str], Verdict] = {}
        self._on_final: Callable[[tuple[str, str], Verdict], None] | None = None
        self._on_checked: Callable[[tuple[str, str], Verdict], None] | None = None
        self._known: dict[tuple[str, str], Verdict] = {}  # passed checks stored earlier

    def listen(self, on_final: Callable[[tuple[str, str], Verdict], None] | None,
               on_checked: Callable[[tuple[str, str], Verdict], None] | None = None) -> None:  # fmt: skip
        """Call `on_final((problem id, candidate id), verdict)` as each verdict is final:
        a failed check as it returns (or any check when nothing is timed), a timed one as
        its timing returns (the loop stores the attempt then); `on_checked(key, verdict)`
        as a check passes whose timing is still to come (the loop keeps it for a resume)."""
        self._on_final, self._on_checked = on_final, on_checked

    def remember_check(self, problem: Problem, candidate_id: str, verdict: Verdict) -> None:
        """A passed check stored by an interrupted execution: time it, do not re-check."""
        key = (problem.id, candidate_id)
        if key not in self.cache:
            self._known.setdefault(key, verdict)

    def _final(self, key: tuple[str, str], verdict: Verdict) -> None:
        if self._on_final is not None and verdict.status is not Status.INFRA_ERROR:
            self._on_final(key, verdict)

    def remember(self, problem: Problem, candidate_id: str, verdict: Verdict) -> None:
        """Seed the cache with a stored verdict (resume)."""
        self.cache.setdefault((problem.id, candidate_id), verdict)

    def _options(self, timing: bool, race: bool | None = None, difftest: bool = True) -> Any:
        from parcodegen.verify.pipeline import VerifyOptions

        c = self.config
        return VerifyOptions(
            threads=c.threads,
            timing=timing,
            race=c.race if race is None else race,
            timing_reps=c.timing_reps,
            difftest=difftest,
            allow_unchecked=c.allow_unchecked,
            scaling=timing and c.scaling,
        )

    def _check(self, verdict: Verdict) -> Verdict:
        if verdict.status is Status.INFRA_ERROR:
            raise InfraError(f"verification harness failed: {verdict.message}")
        return verdict

    def evaluate(self, jobs: list[tuple[Problem, Candidate]]) -> list[Verdict]:
        """Verdicts for `jobs`, in order."""
        todo = pending(jobs, self.cache)
        if todo:
            items = list(todo.items())
            opts = self._options(timing=False)
            workers = max(1, min(self.config.workers, len(items)))
            timed_later = self.config.timing
            verdicts: list[Verdict] = [
                self._known.pop(key, Verdict(Status.INFRA_ERROR, ())) for key, _ in items
            ]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = {
                    pool.submit(self.verify_fn, problem, cand, options=opts): i
                    for i, (_key, (problem, cand)) in enumerate(items)
                    if verdicts[i].status is Status.INFRA_ERROR  # not checked before
                }
                for f in as_completed(futures):
                    i = futures[f]
                    verdicts[i] = v = self._check(f.result())
                    if _harness_glitch(v):
                        continue
                    if not v.passed or not timed_later:
                        self._final(items[i][0], v)
                    elif self._on_checked is not None:
                        self._on_checked(items[i][0], v)
            for i, ((key, (problem, cand)), v) in enumerate(zip(items, verdicts, strict=True)):
                if _harness_glitch(v):  # the sandbox failed to start a program: retry alone
                    verdicts[i] = v = self._check(self.verify_fn(problem, cand, options=opts))
                    if _harness_glitch(v):
                        raise InfraError(f"the sandbox could not run a program: {v.message}")
                    if not v.passed or not timed_later:
                        self._final(key, v)
            if self.config.timing:
                # difftest and race already passed; timing still checks outputs on fresh inputs
                timed_opts = self._options(timing=True, race=False, difftest=False)
                for i, ((_key, (problem, cand)), v) in enumerate(zip(items, verdicts, strict=True)):
                    if v.passed:
                        with TIMING_LOCK:
                            timed = self._check(self.timing_fn(problem, cand, options=timed_opts))
                        verdicts[i] = merge_timing(v, timed)
                        self._final(items[i][0], verdicts[i])
            for (key, _), v in zip(items, verdicts, strict=True):
                self.cache[key] = v
        return [self.cache[(p.id, c.id)] for p, c in jobs]


def pending(jobs: list[tuple[Problem, Candidate]], cache: dict[tuple[str, str], Verdict]
            ) -> dict[tuple[str, str], tuple[Problem, Candidate]]:  # fmt: skip
    """The jobs without a verdict yet, once each, keyed by (problem id, candidate id)."""
    todo: dict[tuple[str, str], tuple[Problem, Candidate]] = {}
    for problem, cand in jobs:
        key = (problem.id, cand.id)
        if key not in cache:
            todo.setdefault(key, (problem, cand))
    return todo


def merge_timing(checked: Verdict, timed: Verdict) -> Verdict:
    """The correctness verdict's steps plus the timing run's timing step and measurement.

    If the timing run fails (e.g. a timeout or a wrong output at the benchmark size),
    its failing step and status win.
    """
    steps = tuple(s for s in checked.steps if s.step != "timing")
    if timed.passed:
        extra = tuple(s for s in timed.steps if s.step == "timing")
        return Verdict(checked.status, steps + extra, timed.measurement)
    bad = timed.failing_step
    return Verdict(timed.status, steps + ((bad,) if bad else ()), timed.measurement)


def _harness_glitch(verdict: Verdict) -> bool:
    """A failure that is the sandbox launcher's, not the candidate's (the step's
    `launcher_failed` flag, from the sandbox's run result).

    Seen under concurrent verification ("cannot run ./prog: Text file busy"); the
    candidate is re-verified on its own instead of being blamed.
    """
    bad = verdict.failing_step
    return bad is not None and bad.launcher_failed
