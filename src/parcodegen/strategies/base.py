"""What a strategy is: "how to ask", nothing else.

A strategy turns (problem, context) into the first messages of an episode. It never
calls a model, reads files or verifies anything; the agent loop does that. A strategy
has one or more stages (multi-stage: serial first, then parallelize the verified result
of stage one); each stage names the template it renders. Strategies that want retrieved
slow/fast example pairs say so with `retrieve` (and `self_match`); the loop fetches them
and passes them in the context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from parcodegen.llm.base import Message
from parcodegen.prompts import render
from parcodegen.registry import Registry
from parcodegen.types import MachineProfile, Problem


class ExamplePair(Protocol):
    """A retrieved example (the memory helper's KBEntry satisfies this)."""

    id: str
    slow_code: str
    fast_code: str
    speedup: float


@dataclass(frozen=True)
class StrategyContext:
    """What the loop knows when it asks: the code to start from and retrieved examples.

    `code` is the reference source for stage 0; for a later stage, the verified result of
    the stage before (or the reference when that stage produced nothing verified).
    `from_previous_stage` is True when `code` is such a verified result. `machine` is
    the machine the candidates will be compiled and timed on (the loop passes it to
    strategies with `state_machine`).
    """

    code: str
    stage: int = 0
    examples: tuple[Any, ...] = ()
    from_previous_stage: bool = False
    machine: MachineProfile | None = None  # where candidates are timed (stated when asked)


@dataclass(frozen=True)
class Stage:
    name: str  # short name stored with each attempt ("parallel", "serial"...)
    template: str  # templates/<template>.j2
    note: str = ""  # shown when the stage starts from a previous stage's verified code


@dataclass(frozen=True)
class Strategy:
    name: str
    description: str
    stages: tuple[Stage, ...]
    retrieve: bool = False  # wants retrieved example pairs in the context
    self_match: bool = False  # passed to KnowledgeBase.retrieve: filter out the task itself
    state_machine: bool = False  # the prompt names the target machine (cores, caches, compiler)

    def messages(self, problem: Problem, ctx: StrategyContext) -> list[Message]:
        stage = self.stages[ctx.stage]
        note = stage.note if ctx.from_previous_stage else ""
        user = render(
            stage.template,
            function=problem.function,
            signature=problem.signature,
            description=problem.description,
            code=ctx.code.rstrip(),
            code_label="current version" if ctx.from_previous_stage else "original serial code",
            base_note=note,
            examples=list(ctx.examples),
            machine=ctx.machine if self.state_machine else None,
        )
        return [Message("system", render("system")), Message("user", user)]


STRATEGIES: Registry[Strategy] = Registry("strategy")


def get_strategy(name: str) -> Strategy:
    """The registered strategy `name` (unknown names raise with a did-you-mean)."""
    import parcodegen.strategies.catalog  # noqa: F401  (registers the built-in strategies)

    return STRATEGIES.get(name)


def strategy_names() -> list[str]:
    import parcodegen.strategies.catalog  # noqa: F401

    return STRATEGIES.names()
