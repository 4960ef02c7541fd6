"""What every request of a run checks before it is sent, and where waiting is reported.

A `RunGuard` holds the run's cost, token and wall-time budgets. A backend that spends
money (the OpenAI-compatible one) asks it before EVERY HTTP request, retries and
continuations included: `reserve(worst)` books the request's worst case (its prompt
plus a full reply at the per-reply limit) and refuses with `BudgetExhausted` when that
could take the run over a budget; `settle` replaces the booking with what the reply
really used. Requests in flight hold their bookings, so concurrent requests never add
up past a cap: a request that does not fit waits for those in flight to settle, and is
refused only when nothing is in flight and it still does not fit. So `--max-cost` is
never exceeded, provided the server counts prompt tokens no more generously than
`estimate_prompt_tokens` (one token per two characters).

The deadline (`--max-wall`) bounds every wait: an HTTP request's timeout, a back-off
and a Retry-After are cut to what is left, and the run stops with the budget reason
when it passes. `say` receives progress lines (waiting, retries, continuations).

Generation on a Dask cluster (llm/cluster.py) cannot ask this guard from the worker:
each chunk is `allot`ted up to its worst case from what is left, and the worker checks
every request of the chunk against a guard of its own holding that allotment, so the
chunks together stay within the run's budgets.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from parcodegen.errors import BudgetExhausted
from parcodegen.llm.base import LLMRequest, Usage

Say = Callable[[str], None]


def estimate_prompt_tokens(request: LLMRequest) -> int:
    """An upper estimate of a request's prompt tokens (tokenizers give ~3-4 characters per
    token for code and English; 2 keeps the estimate on the safe side)."""
    chars = sum(len(m.content) + 8 for m in request.messages)
    return math.ceil(chars / 2)


@dataclass(frozen=True)
class Booking:
    usage: Usage


class RunGuard:
    def __init__(
        self,
        *,
        max_cost: float | None = None,
        max_tokens: int | None = None,
        max_wall_s: float | None = None,
        say: Say | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_cost, self.max_tokens = max_cost, max_tokens
        self._clock = clock
        self.deadline = None if max_wall_s is None else clock() + max_wall_s
        self.max_wall_s = max_wall_s
        self.say: Say = say or (lambda _m: None)
        self._cond = threading.Condition()
        self._spent = Usage()
        self._booked = Usage()
        self._in_flight = 0

    # ------------------------------------------------------------------ time
    def remaining_s(self) -> float | None:
        """Seconds left before the wall-time budget is spent (None: no limit)."""
        if self.deadline is None:
            return None
        return self.deadline - self._clock()

    def check_time(self) -> None:
        left = self.remaining_s()
        if left is not None and left <= 0:
            raise BudgetExhausted("wall", f"{self.max_wall_s:g} s")

    def bound_wait(self, seconds: float, what: str) -> float:
        """`seconds` if they fit before the deadline; else BudgetExhausted naming `what`."""
        left = self.remaining_s()
        if left is not None and seconds >= left:
            raise BudgetExhausted(
                "wall",
                f"{self.max_wall_s:g} s; {what} ({seconds:.0f} s) would end after it "
                f"({max(left, 0.0):.0f} s left)",
            )
        return seconds

    # ------------------------------------------------------------------ money and tokens
    def add_spent(self, usage: Usage) -> None:
        """Spend that did not go through `reserve` (replies stored by an earlier execution)."""
        with self._cond:
            self._spent = self._spent + usage
            self._cond.notify_all()

    @property
    def spent(self) -> Usage:
        with self._cond:
            return self._spent

    def _over(self, worst: Usage) -> BudgetExhausted | None:
        total = self._spent + self._booked + worst
        if self.max_cost is not None and total.cost_usd > self.max_cost:
            return BudgetExhausted(
                "cost",
                f"${self._spent.cost_usd:.4f} spent of ${self.max_cost:.4f}; the next request "
                f"could cost up to ${worst.cost_usd:.4f}: its prompt and a "
                f"{worst.completion_tokens}-token reply",
            )
        if self.max_tokens is not None and total.total_tokens > self.max_tokens:
            return BudgetExhausted(
                "tokens",
                f"{self._spent.total_tokens} spent of {self.max_tokens}; the next request "
                f"could use up to {worst.total_tokens}",
            )
        return None

    def reserve(self, worst: Usage) -> Booking:
        """Book `worst` for a request about to be sent, or raise BudgetExhausted."""
        with self._cond:
            while True:
                self.check_time()
                refusal = self._over(worst)
                if refusal is None:
                    self._booked = self._booked + worst
                    self._in_flight += 1
                    return Booking(worst)
                if self._in_flight == 0:
                    raise refusal
                left = self.remaining_s()
                self._cond.wait(timeout=1.0 if left is None else max(0.01, min(1.0, left)))

    def allot(self, worst: Usage) -> tuple[Booking, dict[str, float | None]]:
        """Book up to `worst` for work sent elsewhere (a Dask generation task), without
        waiting: what is left when less is; (the booking, the budgets that work must keep:
        `RunGuard(**limits)` there). Settle it with what the work used. Raises
        BudgetExhausted when the wall time is spent."""
        with self._cond:
            self.check_time()
            used = self._spent + self._booked
            cost = worst.cost_usd
            if self.max_cost is not None:
                cost = max(0.0, min(cost, self.max_cost - used.cost_usd))
            tokens = worst.total_tokens
            if self.max_tokens is not None:
                tokens = max(0, min(tokens, self.max_tokens - used.total_tokens))
            booked = Usage(0, tokens, cost)
            self._booked = self._booked + booked
            self._in_flight += 1
            limits: dict[str, float | None] = {
                "max_cost": cost if self.max_cost is not None else None,
                "max_tokens": tokens if self.max_tokens is not None else None,
                "max_wall_s": self.remaining_s(),
            }
            return Booking(booked), limits

    def settle(self, booking: Booking, actual: Usage) -> None:
        """The request booked as `booking` is over and used `actual`."""
        with self._cond:
            b = booking.usage
            self._booked = Usage(
                self._booked.prompt_tokens - b.prompt_tokens,
                self._booked.completion_tokens - b.completion_tokens,
                self._booked.cost_usd - b.cost_usd,
            )
            self._in_flight -= 1
            self._spent = self._spent + actual
            self._cond.notify_all()


def attach_guard(backend: object, guard: RunGuard) -> int:
    """Give `guard` to every backend in a wrapper chain that takes one; how many did."""
    seen: set[int] = set()
    todo = [backend]
    count = 0
    while todo:
        b = todo.pop()
        if b is None or id(b) in seen:
            continue
        seen.add(id(b))
        use = getattr(b, "use_guard", None)
        if callable(use):
            use(guard)
            count += 1
        todo += [getattr(b, "inner", None), getattr(b, "local", None)]
    return count
