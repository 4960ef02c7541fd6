"""The `bench_size` step: with timing off, the candidate's outputs at the benchmark size.

Difftest and the race step run sizes up to a few thousand; the timing step's first pair
compares outputs at the benchmark size. With timing off (`verify --no-timing`, `suite
check`) nothing ran the size users run, so a candidate that takes another path above a
size computed at run time (`n > 8192 * omp_get_max_threads()`, a bound one short, a
float accumulator for large n) passed. This step compares the outputs of one run there
with the reference's on the same input (kept per problem for the next candidates):
every element of each output array up to BENCH_SAMPLES (2^21) long, seeded samples of a
longer one (BENCH_SAMPLES elements: the first, the last and one per stratum). The run is
the path probe's when the parallel_size step made one (the same source built by clang++
-O2, at 2 threads: one run at the benchmark size instead of two), else the tested
build's, at the timing thread count.

Then, for code that declares or casts to a 32-bit integer, where the benchmark size times
a thread number can pass 2^31 with at most
MAX_WIDE_THREADS threads (n >= 2^31 / 63), one more run of the tested build there with
enough threads for it (at least MIN_WIDE_THREADS; passive waiting): chunk bounds in
`int` (`(tid + 1) * n / T`) overflow at the benchmark size only from some thread count on
(6 at n = 4e8), which the 2 threads above never reach. Too slow there (a spin barrier
oversubscribed on the cores) is noted, not a failure.

What it cannot see: elements between the samples of an output longer than BENCH_SAMPLES
(a wrong element is found with probability samples / length; a wrong tail or block is), sizes
between the test sizes and the benchmark size, and overflows that need more threads.
"""

from __future__ import annotations

import re

from parcodegen.tools.bench_reference import BENCH_SAMPLES, BENCH_SEED, bench_reference
from parcodegen.tools.build import cores, run_harness
from parcodegen.tools.parallelism import live_code
from parcodegen.tools.outputs import compare_outputs
from parcodegen.types import Status, StepResult
from parcodegen.verify.context import BENCH_OUTPUTS, VerifyContext
from parcodegen.verify.steps import BaseStep, Cost, Phase, register_step

NAME = "bench_size"
MIN_WALL_S = 20.0
WALL_FACTOR = 10.0  # of the reference's run there (the timing step's factor)
MIN_WIDE_THREADS = 9  # the second run's threads, at least ...
MAX_WIDE_THREADS = 65  # ... and at most (difftest's many-threads variant)
WIDE_MIN_WALL_S = 10.0
WIDE_WALL_FACTOR = 5.0


class BenchSizeStep(BaseStep):
    name, phase, cost, order = NAME, Phase.CHECK, Cost.RUN, 66.0

    def applies(self, ctx: VerifyContext) -> bool:
        return not ctx.options.timing and not ctx.options.legacy_checks

    def run(self, ctx: VerifyContext) -> StepResult:
        build = ctx.need_build()
        problem = build.problem
        n = problem.bench_size
        ref = bench_reference(build)
        if not ref.ok or ref.outputs is None:
            why = f"the reference fails at n={n}: {ref.error}"
            return StepResult(NAME, True, None, f"skipped: {why}", ref.result.stderr[-2000:],
                              ref.result.wall_s, skipped=True)  # fmt: skip
        pattern = problem.patterns[0]
        probed = ctx.facts.get(BENCH_OUTPUTS)
        if probed is not None:  # the path probe ran the candidate there on this input
            outputs, threads, seconds = probed
            where = (f"n={n} (the benchmark size), {threads} threads, pattern {pattern}, the "
                     "path probe's build (clang++ -O2)")  # fmt: skip
            data = {"coverage": {"n": n, "threads": threads, "samples": BENCH_SAMPLES,
                                 "build": "path probe"}}  # fmt: skip
        else:
            threads = ctx.options.threads or cores()
            wall = max(MIN_WALL_S, WALL_FACTOR * ref.result.wall_s)
            run = run_harness(ctx.need_binary(), seed=BENCH_SEED, n=n, pattern=pattern,
                              threads=threads, wall_s=wall, samples=BENCH_SAMPLES)  # fmt: skip
            res = run.result
            where = f"n={n} (the benchmark size), {threads} threads, pattern {pattern}"
            data = {"coverage": {"n": n, "threads": threads, "samples": BENCH_SAMPLES,
                                 "build": "tested"}}  # fmt: skip
            seconds = res.wall_s
            if res.timed_out:
                msg = (f"timeout at {where}: more than {wall:.0f}s (the reference took "
                       f"{ref.result.wall_s:.1f}s)")  # fmt: skip
                return StepResult(NAME, False, Status.TIMEOUT, msg, res.stderr[-2000:], seconds,
                                  data=data)  # fmt: skip
            if not run.ok or run.outputs is None:
                msg = f"crash at {where}: {run.error}"
                return StepResult(NAME, False, Status.CRASH, msg, res.stderr[-2000:], seconds,
                                  data=data)  # fmt: skip
            outputs = run.outputs
        mismatch = compare_outputs(problem, ref.outputs, outputs, n)
        if mismatch is not None:
            msg = f"wrong output at {where}; every test size agrees: {mismatch.message}"
            return StepResult(NAME, False, Status.WRONG_OUTPUT, msg, "", seconds, data=data)
        msg = (
            f"outputs match the reference at {where} (every element of outputs up to "
            f"{BENCH_SAMPLES} long, {BENCH_SAMPLES} sampled of a longer one)"
        )
        wide_threads = overflow_threads(n) if declares_int32(ctx.code) else 0
        if wide_threads == 0:
            return StepResult(NAME, True, None, msg, "", seconds, data=data)
        wide = _wide_run(ctx, ref.outputs, ref.result.wall_s, threads, wide_threads)
        data["coverage"]["wide_threads"] = wide.data.get("threads", 0)
        if not wide.ok:
            return StepResult(NAME, False, wide.status, wide.message, wide.log,
                              seconds + wide.seconds, data=data)  # fmt: skip
        return StepResult(NAME, True, None, f"{msg}; {wide.message}", "", seconds + wide.seconds,
                          data=data)  # fmt: skip


# a 32-bit integer variable or cast in the code: without one, no product of a thread number
# and n can wrap below 2^63
INT32 = re.compile(r"\b(?:(?:unsigned|signed)\s+)?(?:int|int32_t|uint32_t|unsigned)\b(?!\s*\()"
                   r"(?:\s*[*&]*\s*(?:const\s+)?[A-Za-z_]\w*\s*[=;,\[)]|\s*>|\s*\))")  # fmt: skip


def declares_int32(code: str) -> bool:
    """Whether the live code declares a 32-bit integer (`int lo = ...`, `unsigned k;`) or
    casts to one (`static_cast<int>(...)`, `(int)x`)."""
    return INT32.search(live_code(code)) is not None


def overflow_threads(n: int) -> int:
    """Threads with which thread number x `n` passes 2^31 (`(tid + 1) * n` included), at
    least MIN_WIDE_THREADS; 0 when that needs more than MAX_WIDE_THREADS."""
    need = (1 << 31) // max(n, 1) + 2
    return 0 if need > MAX_WIDE_THREADS else max(need, MIN_WIDE_THREADS)


def _wide_run(ctx: VerifyContext, expected: dict, ref_wall_s: float, first: int,
              wide: int) -> StepResult:  # fmt: skip
    """The tested build at the benchmark size with `wide` threads (module text)."""
    problem = ctx.need_build().problem
    n, pattern = problem.bench_size, problem.patterns[0]
    wall = max(WIDE_MIN_WALL_S, WIDE_WALL_FACTOR * ref_wall_s)
    run = run_harness(ctx.need_binary(), seed=BENCH_SEED, n=n, pattern=pattern,
                      threads=wide, wall_s=wall, samples=BENCH_SAMPLES,
                      env={"OMP_WAIT_POLICY": "passive"})  # fmt: skip
    res = run.result
    where = f"n={n} (the benchmark size), {wide} threads, pattern {pattern}"
    if res.timed_out:
        return StepResult(NAME, True, None, f"not compared at {wide} threads (more than "
                          f"{wall:.0f}s with {wide} threads on {cores()} cores)", "",
                          res.wall_s)  # fmt: skip
    if not run.ok or run.outputs is None:
        return StepResult(NAME, False, Status.CRASH, f"crash at {where}: {run.error}",
                          res.stderr[-2000:], res.wall_s)  # fmt: skip
    mismatch = compare_outputs(problem, expected, run.outputs, n)
    if mismatch is not None:
        msg = f"wrong output at {where}, right at {first} threads there: {mismatch.message}"
        return StepResult(NAME, False, Status.WRONG_OUTPUT, msg, "", res.wall_s)
    return StepResult(NAME, True, None, f"and at {wide} threads", "", res.wall_s,
                      data={"threads": wide})  # fmt: skip


register_step(BenchSizeStep())
