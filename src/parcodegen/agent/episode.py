"""One episode (problem x sample): its state and the decision of what to ask next.

Actions: edit (ask for a candidate: initial, feedback, regenerate, improve, reset),
self_check (ask the model to review its draft), and evaluate (done by the loop). The
state changes only in `observe`, from a stored attempt and its verdict, so replaying the
stored records of an interrupted run rebuilds exactly the same state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parcodegen.agent.config import LoopConfig
from parcodegen.agent.feedback import feedback_message, improve_message, self_check_message
from parcodegen.agent.select import accepted
from parcodegen.llm.base import LLMRequest, Message
from parcodegen.strategies import Strategy, StrategyContext
from parcodegen.types import Attempt, Episode, EpisodeStatus, Problem, Status, Verdict


def episode_key(problem: Problem, sample: int) -> str:
    return f"{problem.id}#{sample}"


@dataclass
class Turn:
    """What the loop asks in one turn of one episode."""

    request: LLMRequest
    kind: str  # "edit" | "self_check"
    action: str
    stage: str
    parent_id: str | None = None


@dataclass
class EpisodeState:
    problem: Problem
    sample: int
    strategy: Strategy
    config: LoopConfig
    examples: tuple[Any, ...] = ()
    machine: Any = None  # MachineProfile the prompt states (strategies with state_machine)
    turn: int = 0
    stage: int = 0
    stage_turns: int = 0
    stage_code: str = ""
    from_previous_stage: bool = False
    action: str = "initial"
    history: list[Message] = field(default_factory=list)
    draft: tuple[str, str] | None = None  # (reply text, candidate id) awaiting self-check
    fails: int = 0
    best: tuple[str, str, float | None] | None = None  # (reply, candidate id, speedup)
    stage_pass: tuple[str, float | None] | None = None  # (code, speedup) verified this stage
    state: EpisodeStatus = EpisodeStatus.ACTIVE
    stop_reason: str = ""  # why it ended, said for people
    tried: list[tuple[Attempt, Verdict]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.stage_code:
            self.stage_code = self.problem.reference_code

    # ------------------------------------------------------------------ identity
    @property
    def key(self) -> str:
        return episode_key(self.problem, self.sample)

    @property
    def sizes(self) -> str:
        """The size arguments' values at the bench size, as a request tag ("n=500")."""
        from parcodegen.exprs import arg_values, format_values

        return format_values(arg_values(self.problem.args, self.problem.bench_size))

    @property
    def done(self) -> bool:
        return self.state is not EpisodeStatus.ACTIVE

    def finish(self, state: EpisodeStatus, reason: str) -> None:
        self.state, self.stop_reason = state, reason

    def record(self, run_id: str) -> Episode:
        from parcodegen.agent.select import choose

        best = choose(self.tried, self.config.min_speedup)
        return Episode(
            run_id=run_id,
            key=self.key,
            problem_id=self.problem.id,
            sample=self.sample,
            strategy=self.strategy.name,
            state=self.state,
            stop_reason=self.stop_reason,
            best_candidate_id=best.attempt.candidate_id if best.attempt else None,
            best_speedup=best.speedup,
            attempts=len(self.tried),
        )

    # ------------------------------------------------------------------ asking
    def stage_quota(self) -> int:
        """Attempts the current stage may use before the next stage starts."""
        n = len(self.strategy.stages)
        if self.stage == n - 1:
            return self.config.budget.max_iters
        return max(1, self.config.budget.max_iters // n)

    def base_messages(self) -> list[Message]:
        ctx = StrategyContext(
            code=self.stage_code,
            stage=self.stage,
            examples=self.examples,
            from_previous_stage=self.from_previous_stage,
            machine=self.machine,
        )
        return self.strategy.messages(self.problem, ctx)

    def next_turn(self) -> Turn:
        cfg = self.config
        stage = self.strategy.stages[self.stage].name
        messages = self.base_messages()
        parent = None
        if self.draft is not None:
            reply, parent = self.draft
            kind, action = "self_check", "self_check"
            messages += [
                Message("assistant", reply),
                Message("user", self_check_message(self.problem)),
            ]
        else:
            kind, action = "edit", self.action
            messages += self.history
        tags: tuple[tuple[str, str], ...] = (
            ("problem", self.problem.id),
            ("function", self.problem.function),
            ("strategy", self.strategy.name),
            ("stage", stage),
            ("episode", self.key),
            ("sample", str(self.sample)),
            ("turn", str(self.turn)),
            ("kind", kind),
        )
        if self.sizes:  # the size arguments at the bench size (autopar's cost model)
            tags += (("sizes", self.sizes),)
        if self.examples:
            tags += (("examples", ",".join(str(getattr(e, "id", "")) for e in self.examples)),)
        request = LLMRequest(
            messages=tuple(messages),
            model=cfg.model,
            temperature=cfg.temperature,
            max_tokens=cfg.reply_tokens,
            seed=self.sample * 1000 + self.turn,
            tags=tags,
        )
        return Turn(request, kind, action, stage, parent)

    # ------------------------------------------------------------------ learning
    def observe(
        self, turn: Turn, attempt: Attempt, verdict: Verdict, reply: str, code: str | None
    ) -> None:
        """Update the state from one evaluated turn."""
        cfg = self.config
        self.tried.append((attempt, verdict))
        self.turn += 1
        self.stage_turns += 1
        if turn.kind == "edit" and cfg.self_check and attempt.candidate_id is not None:
            # The draft's verdict is stored (to measure self-check) but withheld from the model.
            self.draft = (reply, attempt.candidate_id)
            return
        self.draft = None
        if verdict.passed:
            self._on_pass(attempt, verdict, reply, code or "")
        elif verdict.status is Status.UNCHECKED:  # not the model's fault: nothing to feed back
            self.finish(EpisodeStatus.DONE, "passed the checks that ran, not accepted: "
                        + "; ".join(verdict.unchecked))  # fmt: skip
            return
        else:
            self._on_fail(verdict, reply)
        self._check_stage_quota()

    def _on_pass(self, attempt: Attempt, verdict: Verdict, reply: str, code: str) -> None:
        cfg = self.config
        self.fails = 0
        speed = verdict.speedup
        if self.stage_pass is None or (speed or 0.0) > (self.stage_pass[1] or 0.0):
            self.stage_pass = (code, speed)
        is_good = accepted(verdict, cfg.min_speedup)
        if is_good and (self.best is None or (speed or 0.0) > (self.best[2] or 0.0)):
            self.best = (reply, attempt.candidate_id or "", speed)
        if self.stage < len(self.strategy.stages) - 1:
            self._next_stage()
            return
        if is_good and not cfg.continue_after_pass:
            self.finish(EpisodeStatus.DONE, f"accepted {speed:.2f}x")
            return
        if verdict.measurement is None and not cfg.continue_after_pass:
            self.finish(EpisodeStatus.DONE, "passed (not timed)")
            return
        if any(a.candidate_id == attempt.candidate_id for a, _v in self.tried[:-1]):
            # the model gave back a version it had given before: asking "faster, please"
            # again would repeat the same request (and, cached or at temperature 0, reply)
            self.finish(EpisodeStatus.DONE, "the model returned code it had already given")
            return
        self.action = "improve"
        self.history = [
            Message("assistant", reply),
            Message("user", improve_message(self.problem, code, speed)),
        ]

    def _on_fail(self, verdict: Verdict, reply: str) -> None:
        cfg = self.config
        self.fails += 1
        if self.fails >= cfg.reset_after:
            self.fails = 0
            self.action = "reset"
            self.history = []
            if self.best is not None:  # back to the best so far
                best_reply, _, speed = self.best
                code = _code_of(self, best_reply)
                self.history = [
                    Message("assistant", best_reply),
                    Message("user", improve_message(self.problem, code, speed)),
                ]
            return
        if cfg.feedback == "regenerate" or verdict.status is Status.NO_CODE and not reply.strip():
            self.action = "regenerate"
            self.history = []
            return
        self.action = "feedback"
        text = feedback_message(self.problem, verdict, cfg.feedback_chars)
        self.history = [Message("assistant", reply), Message("user", text)]

    def _check_stage_quota(self) -> None:
        if self.done or self.stage >= len(self.strategy.stages) - 1:
            return
        if self.stage_turns >= self.stage_quota():
            self._next_stage()

    def _next_stage(self) -> None:
        """Start the next stage from this stage's verified code (if not slower), else the original."""
        verified = self.stage_pass
        if verified is not None and (verified[1] is None or verified[1] >= 1.0):
            self.stage_code, self.from_previous_stage = verified[0], True
        else:
            self.stage_code, self.from_previous_stage = self.problem.reference_code, False
        self.stage += 1
        self.stage_turns = 0
        self.stage_pass = None
        self.fails = 0
        self.action = "initial"
        self.history = []
        self.draft = None


def _code_of(state: EpisodeState, reply: str) -> str:
    from parcodegen.agent.evaluate import extract

    code, _ = extract(reply, state.problem.function)
    return code or reply
