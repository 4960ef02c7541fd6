"""Verification steps as registered objects, run in order by `verify.pipeline`.

A step has a name, a phase (``build``: make the program; ``check``: correctness;
``timing``: speed), a cost class, an order number within the pipeline, and
``run(context) -> StepResult``. ``skip_reason(context)`` says why the step does not run
(it is then reported as skipped, never as a silent pass); ``applies(context)`` leaves
it out entirely. Adding a check is: a step class, one ``register_step`` call, a test.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Protocol, runtime_checkable

from parcodegen.registry import Registry
from parcodegen.types import StepResult
from parcodegen.verify.context import VerifyContext


class Phase(str, Enum):
    BUILD = "build"  # make the program: every other phase needs it
    CHECK = "check"  # correctness: stop at the first failure
    TIMING = "timing"  # speed, run one at a time on the machine


class Cost(str, Enum):
    """How expensive a step is: cheap steps run first, so an error is found cheaply."""

    CHEAP = "cheap"  # milliseconds to a second: parsing, nm, a cached compile
    COMPILE = "compile"  # a compiler run
    RUN = "run"  # runs the program at test sizes
    EXPENSIVE = "expensive"  # instrumented builds, many runs (race detection)
    TIMING = "timing"  # exclusive use of the machine


@runtime_checkable
class Step(Protocol):
    name: str
    phase: Phase
    cost: Cost
    order: float  # position in the pipeline, ascending

    def applies(self, ctx: VerifyContext) -> bool: ...

    def skip_reason(self, ctx: VerifyContext) -> str | None: ...

    def run(self, ctx: VerifyContext) -> StepResult: ...


class BaseStep:
    """Defaults for the optional parts of the Step protocol."""

    name = "step"
    phase = Phase.CHECK
    cost = Cost.RUN
    order = 50.0

    def applies(self, ctx: VerifyContext) -> bool:
        return True

    def skip_reason(self, ctx: VerifyContext) -> str | None:
        if self.name in ctx.options.skip:
            return DISABLED_BY_CALLER
        return None

    def run(self, ctx: VerifyContext) -> StepResult:  # pragma: no cover - abstract
        raise NotImplementedError


DISABLED_BY_CALLER = "disabled by the caller"
CHECKED_BEFORE = "checked before"
CALLER_REASONS = frozenset({DISABLED_BY_CALLER, CHECKED_BEFORE})  # skips the caller chose

STEPS: Registry[Step] = Registry("verification step")


def register_step(step: Step, replace: bool = False) -> Step:
    """Add `step` to the pipeline (at its `order`); `replace` swaps a step of that name."""
    if not isinstance(step, Step):
        raise TypeError(f"{step!r} is not a verification step (name, phase, cost, order, run)")
    if replace and step.name in STEPS:
        STEPS.remove(step.name)
    STEPS.add(step.name, step)
    return step


def unregister_step(name: str) -> None:
    STEPS.remove(name)


def steps_in(phase: Phase) -> Iterator[Step]:
    """The registered steps of one phase, in pipeline order."""
    found = [STEPS.get(n) for n in STEPS.names()]
    yield from sorted((s for s in found if s.phase is phase), key=lambda s: (s.order, s.name))
