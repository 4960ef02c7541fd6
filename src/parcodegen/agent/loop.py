"""The agent loop: rounds over many episodes (problem x sample) at once.

Each round: every active episode says what it asks next (episode.EpisodeState); all those
requests go to the backend as ONE batch (calls already stored by an interrupted execution
of this run are read back instead of re-sent); each reply is stored as it arrives; candidates
are extracted and evaluated (correctness in parallel, each check started as its reply
arrives when the evaluator can; timing one at a time, after every check of the round); every
attempt is stored with its verdict the moment that verdict is final (a failed check as it
returns, a passing one when its timing returns: evaluators that can `listen` say when), so
a run killed mid-round keeps every finished check and its resume checks only the rest;
only after the round do the episodes learn from the verdicts.

Budgets (attempts per episode, tokens, cost, wall time) stop the loop cleanly with a
reason. Tokens, cost and wall time are also checked by the backend before every request
it sends (llm/guard.py: the loop hands its guard to every backend that takes one), so a
round cannot overspend and a hung request cannot outlast the wall-time budget. A backend failure (after retries) or a harness fault stops the run with a
reason; it is never shown to the model, and a re-run resumes where it stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from parcodegen.agent.config import LoopConfig
from parcodegen.agent.episode import EpisodeState, Turn
from parcodegen.agent.evaluate import Evaluator, VerifyFn, extract, no_code_verdict
from parcodegen.agent.record import Recorder
from parcodegen.agent.select import Choice, choose
from parcodegen.errors import BackendError, BudgetExhausted, InfraError
from parcodegen.llm.base import Backend, LLMResponse, Usage, stream
from parcodegen.llm.guard import RunGuard, attach_guard
from parcodegen.machine import profile as machine_profile
from parcodegen.strategies import get_strategy
from parcodegen.types import (
    Attempt,
    Candidate,
    EpisodeStatus,
    Problem,
    StopKind,
    StopReason,
    Verdict,
)

Progress = Callable[[str], None]
Retriever = Callable[[str, int, bool], Sequence[Any]]
BACKEND_RETRIES = 2
GUARD_STOPS = {  # what the backend's guard (llm/guard.py) refused -> the loop's stop
    "tokens": StopKind.BUDGET_TOKENS,
    "cost": StopKind.BUDGET_COST,
    "wall": StopKind.BUDGET_WALL,
}
RETRY_WAIT_S = 1.0


@dataclass
class ProblemResult:
    problem: Problem
    choice: Choice
    code: str  # the result: the chosen candidate, or the original reference
    attempts: list[tuple[Attempt, Verdict]] = field(default_factory=list)

    @property
    def improved(self) -> bool:
        return self.choice.attempt is not None


@dataclass
class LoopResult:
    run_id: str
    results: list[ProblemResult]
    stop: StopReason | None  # None when every episode finished on its own
    usage: Usage
    rounds: int
    calls_sent: int  # requests this execution sent to the model (not read back, not cached)
    verified: int  # attempts this execution verified (not read back)

    @property
    def stop_reason(self) -> str:
        """The stop said for people ("" when none); decisions read `stop`."""
        return str(self.stop) if self.stop is not None else ""


class Loop:
    def __init__(
        self,
        problems: Sequence[Problem],
        backend: Backend,
        recorder: Recorder,
        config: LoopConfig,
        *,
        run_id: str = "",
        retriever: Retriever | None = None,
        verify_fn: VerifyFn | None = None,
        progress: Progress | None = None,
        evaluator: Any | None = None,
    ):
        self.problems = list(problems)
        self.backend = backend
        self.recorder = recorder
        self.config = config
        self.run_id = run_id
        self.strategy = get_strategy(config.strategy)
        # anything with evaluate(jobs) and remember(problem, candidate_id, verdict)
        self.evaluator = evaluator or Evaluator(config, verify_fn)
        self.progress = progress or (lambda _msg: None)
        self.retriever = retriever
        self.codes: dict[tuple[str, str], str] = {}  # (problem id, candidate id) -> code
        self.usage = Usage()
        budget = config.budget
        self.guard = RunGuard(max_cost=budget.max_cost, max_tokens=budget.max_tokens,
                              max_wall_s=budget.max_wall_s, say=self.progress)  # fmt: skip
        attach_guard(backend, self.guard)
        self.calls_sent = 0
        self.verified = 0
        # (problem id, candidate id) -> stores of the attempts waiting for that verdict;
        # an evaluator that can `listen` calls _on_final from its own threads
        self._awaiting: dict[tuple[str, str], list[Callable[[Verdict], None]]] = {}
        self._awaited: set[tuple[str, int]] = set()  # (episode, turn) with a store above
        self._awaiting_lock = threading.Lock()
        listen = getattr(self.evaluator, "listen", None)
        if callable(listen):
            listen(self._on_final, on_checked=self._on_checked)
        examples = {p.id: self._examples(p) for p in self.problems}  # retrieved once per problem
        target = machine_profile() if self.strategy.state_machine else None
        self.episodes = [
            EpisodeState(p, s, self.strategy, config, examples=examples[p.id], machine=target)
            for p in self.problems
            for s in range(config.samples)
        ]

    # ------------------------------------------------------------------ setup
    def _examples(self, problem: Problem) -> tuple[Any, ...]:
        if not self.strategy.retrieve:
            return ()
        if self.retriever is None:
            raise InfraError(
                f"strategy '{self.strategy.name}' needs a knowledge base; none was given"
            )
        found = self.retriever(problem.reference_code, self.config.rag_k, self.strategy.self_match)
        return tuple(found)

    # ------------------------------------------------------------------ running
    def run(self) -> LoopResult:
        start = time.monotonic()
        rounds = 0
        stop: StopReason | None = None
        for e in self.episodes:
            self.recorder.put_episode(e.record(self.run_id))
        while True:
            for e in self.episodes:
                if not e.done and e.turn >= self.config.budget.max_iters:
                    e.finish(EpisodeStatus.STOPPED, str(StopReason(StopKind.BUDGET_ATTEMPTS)))
            active = [e for e in self.episodes if not e.done]
            if not active:  # all work done: a budget spent by the last round stops nothing
                break
            stop = self._budget_stop(start)
            if stop is not None:
                for e in active:
                    e.finish(EpisodeStatus.STOPPED, str(stop))
                break
            rounds += 1
            try:
                self._round(rounds, active)
            except BudgetExhausted as exc:
                stop = StopReason(GUARD_STOPS[exc.kind], exc.detail)
                for e in self.episodes:
                    if not e.done:
                        e.finish(EpisodeStatus.STOPPED, str(stop))
                break
            except BackendError as exc:
                stop = StopReason(StopKind.BACKEND_ERROR, str(exc))
                break
            except InfraError as exc:
                stop = StopReason(StopKind.INFRA_ERROR, str(exc))
                break
            finally:
                for e in self.episodes:
                    self.recorder.put_episode(e.record(self.run_id))
        for e in self.episodes:
            self.recorder.put_episode(e.record(self.run_id))
        results = [self._result(p) for p in self.problems]
        return LoopResult(
            self.run_id, results, stop, self.usage, rounds, self.calls_sent, self.verified
        )

    def _budget_stop(self, start: float) -> StopReason | None:
        b = self.config.budget
        if b.max_tokens is not None and self.usage.total_tokens >= b.max_tokens:
            return StopReason(
                StopKind.BUDGET_TOKENS, f"{self.usage.total_tokens} >= {b.max_tokens}"
            )
        if b.max_cost is not None and self.usage.cost_usd >= b.max_cost:
            return StopReason(
                StopKind.BUDGET_COST, f"${self.usage.cost_usd:.4f} >= ${b.max_cost:.4f}"
            )
        if b.max_wall_s is not None and time.monotonic() - start >= b.max_wall_s:
            return StopReason(StopKind.BUDGET_WALL, f"{b.max_wall_s:g} s")
        return None

    def _round(self, number: int, active: list[EpisodeState]) -> None:
        turns = [e.next_turn() for e in active]
        try:
            responses = self._responses(active, turns)
        except BaseException:
            discard = getattr(self.evaluator, "discard_prefetched", None)
            if discard is not None:  # the round is over: its early checks are not waited for
                discard()
            with self._awaiting_lock:  # those already final are stored; later ones are not
                self._awaiting.clear()
                self._awaited.clear()
            raise
        self.progress(
            f"round {number}: {len(active)} episode(s), {self.calls_sent} call(s) sent so far"
        )
        outcomes = self._evaluate(active, turns, responses)
        for e, turn, resp, (attempt, verdict, code) in zip(
            active, turns, responses, outcomes, strict=True
        ):
            e.observe(turn, attempt, verdict, resp.texts[0] if resp.texts else "", code)
            m = verdict.measurement
            speed = (
                f" {m.interval_text()}"
                if m is not None
                else (f" {verdict.speedup:.2f}x" if verdict.speedup is not None else "")
            )
            flag = " (self-check)" if attempt.self_check else ""
            self.progress(f"  {e.key} turn {attempt.turn}{flag}: {verdict.status.value}{speed}")
            final = resp.raw.get("final") if isinstance(resp.raw, dict) else None
            if final and not e.done:
                # the backend has nothing further for this episode (autopar: every variant
                # was proposed): end it rather than ask for turns that can hold no code
                e.finish(EpisodeStatus.DONE, str(final))
                self.progress(f"  {e.key}: {final}")

    def _responses(self, active: list[EpisodeState], turns: list[Turn]) -> list[LLMResponse]:
        """Stored replies are read back; the others are asked in one batch, and each reply
        is stored the moment it arrives. Retryable failures retry only the unanswered."""
        out: list[LLMResponse | None] = [self.recorder.get_call(e.key, e.turn) for e in active]
        for r in out:  # spend counts as replies are stored, so a failing round still counts
            if r is not None:
                self.usage = self.usage + r.usage
                self.guard.add_spent(r.usage)
        missing = [i for i, r in enumerate(out) if r is None]
        for attempt in range(BACKEND_RETRIES + 1):
            if not missing:
                break
            try:
                for j, resp in stream(self.backend, [turns[i].request for i in missing]):
                    i = missing[j]
                    self.recorder.put_call(active[i].key, active[i].turn, turns[i].request, resp)
                    out[i] = resp
                    self.usage = self.usage + resp.usage
                    if not resp.cached:
                        self.calls_sent += 1
                    self._prefetch(active[i], turns[i], resp)
            except BackendError as exc:
                if not exc.retryable or attempt == BACKEND_RETRIES:
                    raise
                self.progress(f"backend error (retrying the unanswered): {exc}")
                time.sleep(RETRY_WAIT_S * (attempt + 1))
            missing = [i for i in missing if out[i] is None]
        if missing:
            raise BackendError(f"the backend left {len(missing)} request(s) unanswered")
        return [r for r in out if r is not None]

    def _prefetch(self, e: EpisodeState, turn: Turn, resp: LLMResponse) -> None:
        """Let an evaluator that can start checks early start this reply's check now (its
        attempt is stored as soon as the verdict is final); a reply without code is
        final at once (a self-check's keeps its draft: checked with the round)."""
        prefetch = getattr(self.evaluator, "prefetch", None)
        if prefetch is None or self.recorder.get_attempt(e.key, e.turn) is not None:
            return
        reply = resp.texts[0] if resp.texts else ""
        code, step = extract(reply, e.problem.function)
        if code is None and not (turn.kind == "self_check" and turn.parent_id):
            declined = no_code_verdict(step, reply)
            with self._awaiting_lock:
                self.recorder.put_attempt(self._attempt(e, turn, None, declined), declined, None)
        elif code is not None:
            cand = Candidate(code)
            self._await(e, turn, cand.id, code)
            if not self._known_check(e.problem, cand.id):
                prefetch(e.problem, cand)

    def _await(self, e: EpisodeState, turn: Turn, cid: str, code: str) -> None:
        """Store this episode's attempt when the verdict of (its problem, `cid`) is final."""
        number = e.turn  # the turn now: the store may run after the episode moved on

        def store(verdict: Verdict) -> None:
            if self.recorder.get_attempt(e.key, number) is None:
                attempt = self._attempt(e, turn, cid, verdict, number=number)
                self.recorder.put_attempt(attempt, verdict, code)

        with self._awaiting_lock:
            self._awaiting.setdefault((e.problem.id, cid), []).append(store)
            self._awaited.add((e.key, number))

    def _on_checked(self, key: tuple[str, str], verdict: Verdict) -> None:
        """A check passed and its timing is to come: keep it, so a resume only times it."""
        put = getattr(self.recorder, "put_check", None)
        if callable(put):
            with self._awaiting_lock:
                put(key[0], key[1], verdict)

    def _known_check(self, problem: Problem, cid: str) -> bool:
        """Hand the evaluator a passed check an interrupted execution stored; True if any."""
        get = getattr(self.recorder, "get_check", None)
        remember = getattr(self.evaluator, "remember_check", None)
        if not callable(get) or not callable(remember):
            return False
        verdict = get(problem.id, cid)
        if verdict is not None:
            remember(problem, cid, verdict)
        return verdict is not None

    def _on_final(self, key: tuple[str, str], verdict: Verdict) -> None:
        with self._awaiting_lock:
            stores = self._awaiting.pop(key, [])
            for store in stores:  # under the lock: one writer at a time
                store(verdict)

    def _evaluate(
        self, active: list[EpisodeState], turns: list[Turn], responses: list[LLMResponse]
    ) -> list[tuple[Attempt, Verdict, str | None]]:
        slots: list[Any] = [None] * len(active)
        jobs: list[tuple[int, Problem, Candidate, str]] = []
        for i, (e, turn, resp) in enumerate(zip(active, turns, responses, strict=True)):
            stored = self.recorder.get_attempt(e.key, e.turn)
            if stored is not None:
                attempt, verdict = stored
                code = self.codes.get((e.problem.id, attempt.candidate_id or ""))
                if code is None and attempt.candidate_id:
                    code, _ = extract(resp.texts[0] if resp.texts else "", e.problem.function)
                    if code is None and turn.parent_id:  # self-check without code: the draft
                        code = self.codes.get((e.problem.id, turn.parent_id))
                if code is not None and attempt.candidate_id:
                    self.codes[(e.problem.id, attempt.candidate_id)] = code
                    self.evaluator.remember(e.problem, attempt.candidate_id, verdict)
                slots[i] = (attempt, verdict, code)
                continue
            reply = resp.texts[0] if resp.texts else ""
            code, step = extract(reply, e.problem.function)
            if code is None and turn.kind == "self_check" and turn.parent_id:
                code = self.codes.get((e.problem.id, turn.parent_id))  # "unchanged": keep the draft
            if code is None:
                declined = no_code_verdict(step, reply)
                slots[i] = (self._attempt(e, turn, None, declined), declined, None)
                continue
            cand = Candidate(
                code, origin=f"{self.backend.name}/{self.strategy.name}", parent=turn.parent_id
            )
            self.codes[(e.problem.id, cand.id)] = code
            jobs.append((i, e.problem, cand, code))
        try:
            if jobs:
                for i, p, cand, code in jobs:
                    if (active[i].key, active[i].turn) not in self._awaited:
                        self._await(active[i], turns[i], cand.id, code)
                    self._known_check(p, cand.id)
                verdicts = self.evaluator.evaluate([(p, c) for _, p, c, _ in jobs])
                self.verified += len(jobs)
                for (i, _p, cand, code), verdict in zip(jobs, verdicts, strict=True):
                    slots[i] = (self._attempt(active[i], turns[i], cand.id, verdict), verdict, code)
        finally:
            with self._awaiting_lock:
                self._awaiting.clear()  # the round is over: later verdicts store nothing
                self._awaited.clear()
        with self._awaiting_lock:
            for attempt, verdict, code in slots:
                if self.recorder.get_attempt(attempt.episode, attempt.turn) is None:
                    self.recorder.put_attempt(attempt, verdict, code)
        return slots

    def _attempt(self, e: EpisodeState, turn: Turn, cid: str | None, verdict: Verdict,
                 *, number: int | None = None) -> Attempt:  # fmt: skip
        return Attempt(
            run_id=self.run_id,
            episode=e.key,
            turn=e.turn if number is None else number,
            problem_id=e.problem.id,
            sample=e.sample,
            strategy=self.strategy.name,
            stage=turn.stage,
            kind=turn.kind,
            action=turn.action,
            status=verdict.status,
            candidate_id=cid,
            parent_id=turn.parent_id,
            speedup=verdict.speedup,
            message=verdict.message,
            self_check=turn.kind == "self_check",
        )

    # ------------------------------------------------------------------ results
    def _result(self, problem: Problem) -> ProblemResult:
        tried = [t for e in self.episodes if e.problem.id == problem.id for t in e.tried]
        choice = choose(tried, self.config.min_speedup)
        code = problem.reference_code
        if choice.attempt is not None and choice.attempt.candidate_id:
            code = self.codes.get((problem.id, choice.attempt.candidate_id), code)
        self.recorder.put_result(
            problem.id,
            choice.attempt.candidate_id if choice.attempt else None,
            choice.speedup,
            choice.explanation,
        )
        return ProblemResult(problem, choice, code, tried)
