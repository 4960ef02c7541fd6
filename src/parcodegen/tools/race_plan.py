"""What the race step runs: sizes, thread counts and how many processes.

Sizes (each run in every process, at every thread count):
- the largest test size up to RACE_MAX_N (or the problem's `[race] sizes`);
- every test size from TINY_MIN up to the smallest one >= SMALL_MIN (a `nowait` or boundary
  race that shows only when chunks are short: a later loop or a `masked` block reading what
  another thread's chunk of a `nowait` loop wrote, only while n / threads is below some
  constant; these calls cost almost nothing);
- an odd size below the largest, not divisible by 2..8 or 64 (chunk boundaries inside a
  machine word, where packed bits and bytes conflict), when the largest is >= 64;
- a power of two near half the largest (`round_size`): code taken only for even sizes or
  multiples of a block size;
- above every integer literal the candidate compares something against (`if (n > 20000)`,
  `if(n >= 1 << 14)`) up to the problem's benchmark size, while the reference's run there
  stays within THRESHOLD_BUDGET_S: code that goes parallel only above a size is checked
  above it.
Code with explicit tasks (`task`, `taskloop`) gets every test size up to RACE_MAX_N, the
thread counts TASK_THREADS and TASK_RUNS processes: the detector sees two sibling tasks
race only when they run on different threads, which depends on who steals what (a race
between the last two of many tasks showed in 1 of 20 processes at one size and 2 threads,
in 16 of 20 at a size with few tasks and 4 threads).
Outputs are compared with the reference only at sizes the problem declares (test sizes
and `[race] sizes`); the others are race-checked only (the reference may not define them).
Code with no concurrency of its own but writable static storage gets `paired_plan`: no
process of the plan above, only the race step's paired one (two calls at a time from two
threads) at the declared sizes, where only static storage the callers share can race.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from parcodegen.tools.parallelism import compared_literals, static_parallelism, table_extents
from parcodegen.types import Problem

RACE_THREADS = (2, 3, 4)
RACE_RUNS = 2  # processes, each its own seed and thread order
TASK_THREADS = (2, 3, 4, 8)  # for code with explicit tasks
TASK_RUNS = 4
TASK_REPEATS = 2
TINY_MIN = 2
RACE_MAX_N = 5000
SMALL_MIN = 9
THRESHOLD_MAX = 1 << 31
THRESHOLD_BUDGET_S = 0.25  # the reference's wall at a threshold size, at most
MAX_THRESHOLDS = 3
# above a literal the code may go parallel at that one size only: a race in a counter
# bumped there went unreported in 1 of 6 and 1 of 5 two-process race steps under load
# (load 10-16), so such plans get the processes and repeats of the parallel_size step
THRESHOLD_RUNS = 4
THRESHOLD_REPEATS = 2
WORD_LCM = 840  # lcm(2..8)
# One call per process at the largest planned size with this many threads: a slot shared by
# thread ids equal modulo k (`part[omp_get_thread_num() % 4] += s`, k <= 8) races only
# with more than k threads. Difftest runs 65 threads, but a lost update needs the
# threads to collide in time; the detector does not.
WIDE_THREADS = 9
# ... or with one more thread than the largest remainder or array extent in the code up to
# this (`part[omp_get_thread_num() % 16].v += s` races only with 17 threads; a table of
# 128 "for any machine" with 129, which machines have). The sandbox allows 256 processes
# and threads: a table of 256 is left unchecked.
WIDE_MAX_THREADS = 129


@dataclass(frozen=True)
class RacePlan:
    sizes: tuple[int, ...]
    declared: frozenset[int]  # sizes where outputs are compared with the reference
    threads: tuple[int, ...]
    runs: int
    thresholds: tuple[int, ...]  # literals the plan goes above
    unreached: tuple[str, ...]  # literals it could not go above, and why
    repeats: int = 1  # calls per (size, threads) in a process (same input)
    wide: tuple[int, int] | None = None  # one more call per process: (size, threads)
    # sizes above the test sizes, not literals, where outputs are compared and the paired
    # process calls too (within the reference's budget: the parallel_size step's)
    extra: tuple[int, ...] = ()

    def above(self) -> set[int]:
        """Sizes outside the declared ones where outputs are compared (the reference runs
        there within THRESHOLD_BUDGET_S) and the paired process calls."""
        return ({t + 1 for t in self.thresholds} | set(self.extra)) - set(self.declared)

    def to_dict(self) -> dict[str, object]:
        return {"sizes": list(self.sizes), "threads": list(self.threads), "runs": self.runs,
                "repeats": self.repeats,
                "wide_call": list(self.wide) if self.wide else None,
                "thresholds": list(self.thresholds), "unreached": list(self.unreached),
                "outputs_compared_at": sorted((self.declared & set(self.sizes)) | self.above())}  # fmt: skip


def odd_size(limit: int) -> int | None:
    """The largest m in (limit/2, limit] divisible by none of 2..8 (so not by 64 either)."""
    for m in range(limit, limit // 2, -1):
        if m > 1 and math.gcd(m, WORD_LCM) == 1:
            return m
    return None


def round_size(limit: int) -> int | None:
    """The largest power of two <= limit / 2 (at least 4): the other sizes are mostly odd,
    and a path taken only for even sizes or multiples of a block (`if (n % 4 == 0)`, a
    last block that is full) was race-checked at n = 2 at most."""
    p = 1 << max(limit // 2, 1).bit_length() - 1
    return p if p >= 4 else None


def paired_plan(problem: Problem, code: str = "",
                reference_wall: Callable[[int], float | None] | None = None) -> RacePlan:  # fmt: skip
    """The plan of code that starts no thread of its own but defines static storage: no
    process of threads x sizes (runs 0; the race step adds its paired process), at the
    largest test size up to RACE_MAX_N and every one from TINY_MIN up to the smallest one >=
    SMALL_MIN (or the problem's `[race] sizes`): each declared, so every output is compared;
    and just above the literals `code` compares against, where the reference reaches
    (static scratch used only for large inputs)."""
    declared = set(problem.test_sizes) | set(problem.race_sizes)
    capped = [n for n in problem.test_sizes if n <= RACE_MAX_N]
    largest = max(capped) if capped else min(problem.test_sizes)
    sizes = list(problem.race_sizes) or [largest]
    if not problem.race_sizes:
        small = min((n for n in problem.test_sizes if n >= SMALL_MIN), default=largest)
        sizes += [n for n in problem.test_sizes if TINY_MIN <= n <= small]
    thresholds: list[int] = []
    unreached: list[str] = []
    if reference_wall is not None:
        thresholds, unreached = threshold_literals(problem, code, max(sizes), reference_wall)
        sizes += [lit + 1 for lit in thresholds]
    return RacePlan(tuple(sorted(set(sizes))), frozenset(declared), (2,), 0, tuple(thresholds),
                    tuple(unreached))  # fmt: skip


def threshold_literals(problem: Problem, code: str, top: int,
                       reference_wall: Callable[[int], float | None]) -> tuple[list[int], list[str]]:  # fmt: skip
    """The integer literals `code` compares against (a size threshold, `if (n > 20000)`)
    from `top` up to the benchmark size whose literal + 1 the reference reaches within
    THRESHOLD_BUDGET_S (at most MAX_THRESHOLDS, ascending), and a note for the first it
    does not reach (larger ones cost more)."""
    thresholds: list[int] = []
    unreached: list[str] = []
    for lit in compared_literals(code):
        # above the benchmark size n means nothing the problem describes (n may be a log2)
        if lit < top or lit + 1 > min(THRESHOLD_MAX, problem.bench_size) \
                or len(thresholds) >= MAX_THRESHOLDS:  # fmt: skip
            continue
        if reference_wall(lit + 1) is None:
            unreached.append(f"n > {lit} (the candidate compares against {lit}): the reference "
                             f"fails or needs more than {THRESHOLD_BUDGET_S}s of CPU there")  # fmt: skip
            break
        thresholds.append(lit)
    return thresholds, unreached


def plan_race(problem: Problem, code: str, reference_wall: Callable[[int], float | None],
              tasks: bool | None = None) -> RacePlan:  # fmt: skip
    """The plan for `code`; `reference_wall(n)` runs the reference at n (None: it failed
    or exceeded THRESHOLD_BUDGET_S). `tasks`: True when the compiled code creates explicit
    tasks though its text shows none (None: read the text only)."""
    declared = set(problem.test_sizes) | set(problem.race_sizes)
    capped = [n for n in problem.test_sizes if n <= RACE_MAX_N]
    largest = max(capped) if capped else min(problem.test_sizes)
    tasks = bool(tasks) or static_parallelism(code).tasks > 0
    sizes: list[int] = list(problem.race_sizes) or [largest]
    if not problem.race_sizes:
        small = min((n for n in problem.test_sizes if n >= SMALL_MIN), default=largest)
        upto = largest if tasks else small
        sizes += [n for n in problem.test_sizes if TINY_MIN <= n <= upto and n not in sizes]
        if tasks:  # a ladder of sizes: at one of them there are about as many tasks as threads
            p = 1 << max(small, 1).bit_length()
            while p < largest:
                if p not in sizes and reference_wall(p) is not None:
                    sizes.append(p)
                p *= 2
        odd = odd_size(largest) if largest >= 64 else None
        if odd is not None and odd not in sizes and reference_wall(odd) is not None:
            sizes.append(odd)
        even = round_size(largest)
        if even is not None and even not in sizes and reference_wall(even) is not None:
            sizes.append(even)
    thresholds, unreached = threshold_literals(problem, code, max(sizes), reference_wall)
    sizes += [lit + 1 for lit in thresholds]
    threads = tuple(problem.race_threads) or (TASK_THREADS if tasks else RACE_THREADS)
    extents = [k for k in table_extents(code) if WIDE_THREADS <= k < WIDE_MAX_THREADS]
    wide_threads = max([WIDE_THREADS] + [k + 1 for k in extents])
    wide = (largest, wide_threads) if max(threads) < wide_threads else None
    runs, repeats = (TASK_RUNS, TASK_REPEATS) if tasks else (RACE_RUNS, 1)
    if thresholds:  # one large size where the code goes parallel: few calls see the race
        runs, repeats = max(runs, THRESHOLD_RUNS), max(repeats, THRESHOLD_REPEATS)
    return RacePlan(tuple(sorted(set(sizes))), frozenset(declared), threads, runs,
                    tuple(thresholds), tuple(unreached), repeats, wide)  # fmt: skip
