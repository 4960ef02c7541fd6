"""The `bench_size` step: with timing off, the candidate's outputs at the benchmark size.

Difftest and the race step run sizes up to a few thousand; the timing step's first pair
compares outputs at the benchmark size. With timing off (`verify --no-timing`, `suite
check`) nothing ran the size users run, so a candidate that takes another path above a
size computed at run time (`n > 8192 * omp_get_max_threads()`, a bound one short, a
float accumulator for large n) passed. This step compares the outputs of one run there
with the reference's on the same input (kept per problem for the next candidates):
seeded sampled outputs (TIMING_SAMPLES elements of each longer array: the first, the last
and one per stratum). The run is the path probe's when the parallel_size step made one
(the same source built by clang++ -O2, at 2 threads: one run at the benchmark size
instead of two), else the tested build's, at the timing thread count.

What it cannot see: elements between the samples (a wrong element is found with
probability samples / n per wrong element; a wrong tail or block is found), and sizes
between the test sizes and the benchmark size.
"""

from __future__ import annotations

from parcodegen.tools.bench_reference import BENCH_SEED, bench_reference
from parcodegen.tools.build import cores, run_harness
from parcodegen.tools.outputs import compare_outputs
from parcodegen.tools.timing import TIMING_SAMPLES
from parcodegen.types import Status, StepResult
from parcodegen.verify.context import BENCH_OUTPUTS, VerifyContext
from parcodegen.verify.steps import BaseStep, Cost, Phase, register_step

NAME = "bench_size"
MIN_WALL_S = 20.0
WALL_FACTOR = 10.0  # of the reference's run there (the timing step's factor)


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
            data = {"coverage": {"n": n, "threads": threads, "samples": TIMING_SAMPLES,
                                 "build": "path probe"}}  # fmt: skip
        else:
            threads = ctx.options.threads or cores()
            wall = max(MIN_WALL_S, WALL_FACTOR * ref.result.wall_s)
            run = run_harness(ctx.need_binary(), seed=BENCH_SEED, n=n, pattern=pattern,
                              threads=threads, wall_s=wall, samples=TIMING_SAMPLES)  # fmt: skip
            res = run.result
            where = f"n={n} (the benchmark size), {threads} threads, pattern {pattern}"
            data = {"coverage": {"n": n, "threads": threads, "samples": TIMING_SAMPLES,
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
            f"outputs match the reference at {where} ({TIMING_SAMPLES} sampled elements per output)"
        )
        return StepResult(NAME, True, None, msg, "", seconds, data=data)


register_step(BenchSizeStep())
