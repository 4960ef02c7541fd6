"""The `parallel_size` step: race-check a candidate where it actually runs parallel.

Runs after the race step when the candidate's live code is parallel but difftest saw no
second thread at any test size: code that goes parallel only above a size computed at
run time (`n > omp_get_max_threads() * 8192`, `n / 64 > L`, a static table). The
tested build is probed at doubling sizes from the race step's largest size up to the
benchmark size (tools/parallel_probe.py); at the first size where it starts threads
the race step runs again (TSan, within the reference's budget). When that size cannot
be reached or race-checked, the verdict names it unchecked: never a plain PASS for code
whose parallel path no check ran.
"""

from __future__ import annotations

from parcodegen.tools.parallel_probe import probe_parallel_size
from parcodegen.tools.parallelism import static_parallelism
from parcodegen.tools.race import race_check
from parcodegen.types import StepResult
from parcodegen.verify.builtin_steps import MIN_RACE_WALL_S, RACE_WALL_FACTOR
from parcodegen.verify.context import VerifyContext
from parcodegen.verify.steps import BaseStep, Cost, Phase, register_step

NAME = "parallel_size"


def _step(ctx: VerifyContext, name: str) -> StepResult | None:
    return next((s for s in ctx.steps if s.step == name), None)


def _threads_seen(step: StepResult | None) -> int:
    if step is None:
        return 0
    return int(step.data.get("coverage", {}).get("max_threads_seen", 0) or 0)


def _uses_openmp_threads(code: str) -> bool:
    """OpenMP that can start a team (threads joined before the call returns, std::thread,
    leave no trace the probe can count: such code is not probed)."""
    sp = static_parallelism(code)
    return (sp.directives > 0 and not sp.simd_only) or sp.omp_calls > 0


class ParallelSizeStep(BaseStep):
    name, phase, cost, order = NAME, Phase.CHECK, Cost.EXPENSIVE, 65.0

    def applies(self, ctx: VerifyContext) -> bool:
        race = _step(ctx, "race")
        difftest = _step(ctx, "difftest")
        return (
            not ctx.options.legacy_checks
            and race is not None
            and race.ok
            and not race.skipped
            and difftest is not None
            and _threads_seen(difftest) <= 1
            and _uses_openmp_threads(ctx.code)
        )

    def run(self, ctx: VerifyContext) -> StepResult:
        race = _step(ctx, "race")
        assert race is not None
        build = ctx.need_build()
        top = max(race.data.get("coverage", {}).get("sizes") or [max(build.problem.test_sizes)])
        probe = probe_parallel_size(build, ctx.need_binary(), top)
        cov: dict = {"probe": probe.to_dict(), "race_sizes": []}
        data: dict = {"coverage": cov}
        probed = f"n = {', '.join(map(str, probe.sizes))} at {probe.threads} threads"
        n = probe.parallel_from
        if n is None:
            if probe.stopped:
                last = probe.sizes[-1] if probe.sizes else top
                data["unchecked"] = [f"race not checked at sizes where the code may run "
                                     f"parallel: n > {last} ({probe.stopped})"]  # fmt: skip
                msg = f"no thread started at {probe.sizes and probed or 'any probed size'}"
            else:
                msg = (f"serial up to the benchmark size: no thread started at {probed} "
                       "(the candidate's OpenMP code never runs parallel)")  # fmt: skip
            return StepResult(NAME, True, None, msg, "", probe.seconds, data=data)
        if n == top:
            msg = f"parallel at n={n}, which the race step checked ({probed})"
            return StepResult(NAME, True, None, msg, "", probe.seconds, data=data)
        wall = max(MIN_RACE_WALL_S, RACE_WALL_FACTOR * ctx.reference_wall_s)
        check = race_check(build, ctx.code, wall, at_sizes=(n,))
        where = (f"n={n}: the smallest probed size where the candidate starts threads; every "
                 f"test size runs serially ({probed})")  # fmt: skip
        seconds = probe.seconds + check.seconds
        cov["race"] = check.data.get("coverage", {})
        if not check.ok and not check.skipped:
            return StepResult(NAME, False, check.status, f"{check.message} [{where}]", check.log,
                              seconds, data={**check.data, "coverage": cov})  # fmt: skip
        if check.skipped or check.data.get("unchecked"):
            why = check.message.removeprefix("skipped: ")
            data["unchecked"] = [f"race not checked at sizes where the code runs parallel: "
                                 f"n>={n} ({why})"]  # fmt: skip
            return StepResult(NAME, True, None, f"race not run at {where}", check.log, seconds,
                              data=data)  # fmt: skip
        cov["race_sizes"] = [n]
        return StepResult(NAME, True, None, f"no data race found at {where}", check.log, seconds,
                          data=data)  # fmt: skip


register_step(ParallelSizeStep())
