"""What the race step runs: sizes, thread counts and how many processes.

Sizes (each run in every process, at every thread count):
- the largest test size up to RACE_MAX_N (or the problem's `[race] sizes`);
- a small test size (a `nowait` or boundary race that only shows when chunks are short);
- an odd size below the largest, not divisible by 2..8 or 64 (chunk boundaries inside a
  machine word, where packed bits and bytes conflict), when the largest is >= 64;
- above every integer literal the candidate compares something against (`if (n > 20000)`,
  `if(n >= 1 << 14)`) up to the problem's benchmark size, while the reference's run there
  stays within THRESHOLD_BUDGET_S: code that goes parallel only above a size is checked
  above it.
Outputs are compared with the reference only at sizes the problem declares (test sizes
and `[race] sizes`); the others are race-checked only (the reference may not define them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from parcodegen.tools.parallelism import compared_literals
from parcodegen.types import Problem

RACE_THREADS = (2, 3, 4)
RACE_RUNS = 2  # processes, each its own seed and thread order
RACE_MAX_N = 5000
SMALL_MIN = 9
THRESHOLD_MAX = 1 << 31
THRESHOLD_BUDGET_S = 0.25  # the reference's wall at a threshold size, at most
MAX_THRESHOLDS = 3
WORD_LCM = 840  # lcm(2..8)


@dataclass(frozen=True)
class RacePlan:
    sizes: tuple[int, ...]
    declared: frozenset[int]  # sizes where outputs are compared with the reference
    threads: tuple[int, ...]
    runs: int
    thresholds: tuple[int, ...]  # literals the plan goes above
    unreached: tuple[str, ...]  # literals it could not go above, and why

    def to_dict(self) -> dict[str, object]:
        return {"sizes": list(self.sizes), "threads": list(self.threads), "runs": self.runs,
                "thresholds": list(self.thresholds), "unreached": list(self.unreached),
                "outputs_compared_at": sorted(self.declared & set(self.sizes))}  # fmt: skip


def odd_size(limit: int) -> int | None:
    """The largest m in (limit/2, limit] divisible by none of 2..8 (so not by 64 either)."""
    for m in range(limit, limit // 2, -1):
        if m > 1 and math.gcd(m, WORD_LCM) == 1:
            return m
    return None


def plan_race(problem: Problem, code: str,
              reference_wall: Callable[[int], float | None]) -> RacePlan:  # fmt: skip
    """The plan for `code`; `reference_wall(n)` runs the reference at n (None: it failed
    or exceeded THRESHOLD_BUDGET_S)."""
    declared = set(problem.test_sizes) | set(problem.race_sizes)
    capped = [n for n in problem.test_sizes if n <= RACE_MAX_N]
    largest = max(capped) if capped else min(problem.test_sizes)
    sizes: list[int] = list(problem.race_sizes) or [largest]
    if not problem.race_sizes:
        small = min((n for n in problem.test_sizes if n >= SMALL_MIN), default=None)
        if small is not None and small not in sizes:
            sizes.append(small)
        odd = odd_size(largest) if largest >= 64 else None
        if odd is not None and odd not in sizes and reference_wall(odd) is not None:
            sizes.append(odd)
    top = max(sizes)
    thresholds: list[int] = []
    unreached: list[str] = []
    for lit in compared_literals(code):
        # above the benchmark size n means nothing the problem describes (n may be a log2)
        if lit < top or lit + 1 > min(THRESHOLD_MAX, problem.bench_size) \
                or len(thresholds) >= MAX_THRESHOLDS:  # fmt: skip
            continue
        wall = reference_wall(lit + 1)
        if wall is None:
            unreached.append(f"n > {lit} (the candidate compares against {lit}): the reference "
                             f"fails or needs more than {THRESHOLD_BUDGET_S}s there")  # fmt: skip
            break  # larger literals cost more
        thresholds.append(lit)
        sizes.append(lit + 1)
    threads = tuple(problem.race_threads) or RACE_THREADS
    return RacePlan(tuple(sorted(set(sizes))), frozenset(declared), threads, RACE_RUNS,
                    tuple(thresholds), tuple(unreached))  # fmt: skip
