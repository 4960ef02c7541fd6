"""The built-in verification steps: extract > compile > interface > link > difftest >
race (phase check) and timing (phase timing). Each wraps one tool from `tools/`."""

from __future__ import annotations

from parcodegen.tools.build import build_problem, candidate_name, drop_prelude
from parcodegen.tools.compile import compile_object, link_binary, link_flags
from parcodegen.tools.difftest import difftest, legacy_difftest
from parcodegen.tools.extract import extract_code
from parcodegen.tools.interface import check_interface
from parcodegen.tools.object_threads import object_threads
from parcodegen.tools.parallelism import static_parallelism
from parcodegen.tools.race import above_literals, legacy_race_check, race_check
from parcodegen.tools.scaling import measure_scaling
from parcodegen.tools.timing import TimingPlan, measure
from parcodegen.types import Status, StepResult
from parcodegen.verify.context import VerifyContext, VerifyOptions
from parcodegen.verify.steps import BaseStep, Cost, Phase, register_step

RACE_WALL_FACTOR = 60.0
MIN_RACE_WALL_S = 30.0


class ExtractStep(BaseStep):
    """Pull the candidate's code out of a raw LLM reply (only with `options.extract`)."""

    name, phase, cost, order = "extract", Phase.BUILD, Cost.CHEAP, 10.0

    def applies(self, ctx: VerifyContext) -> bool:
        return ctx.options.extract

    def run(self, ctx: VerifyContext) -> StepResult:
        step = extract_code(ctx.code, ctx.problem.function)
        if step.ok:
            ctx.code = step.data["code"]
        return step


class CompileStep(BaseStep):
    name, phase, cost, order = "compile", Phase.BUILD, Cost.COMPILE, 20.0

    def run(self, ctx: VerifyContext) -> StepResult:
        build = build_problem(ctx.problem, ctx.options.flags, ctx.options.compiler)
        ctx.build = build
        ctx.code = drop_prelude(ctx.code, ctx.problem.prelude)
        out = compile_object(ctx.code, headers=build.headers, flags=build.flags,
                             compiler=build.compiler, source_name=candidate_name(ctx.problem))  # fmt: skip
        if out.timed_out:
            msg = "compilation timed out (template explosion?)"
            return StepResult("compile", False, Status.TIMEOUT, msg, out.log, out.seconds)
        if not out.ok:
            return StepResult(
                "compile", False, Status.COMPILE_ERROR, out.message, out.log, out.seconds
            )
        ctx.object_path = out.path
        note = "compiled (cached)" if out.cached else "compiled"
        return StepResult(
            "compile", True, None, note, out.log, out.seconds, data={"cached": out.cached}
        )


class InterfaceStep(BaseStep):
    name, phase, cost, order = "interface", Phase.BUILD, Cost.CHEAP, 30.0

    def run(self, ctx: VerifyContext) -> StepResult:
        return check_interface(ctx.need_build(), ctx.need_object(), ctx.code)


class LinkStep(BaseStep):
    """Link the candidate into the harness. Reported only when it fails."""

    name, phase, cost, order = "link", Phase.BUILD, Cost.COMPILE, 40.0
    silent_on_success = True

    def run(self, ctx: VerifyContext) -> StepResult:
        build = ctx.need_build()
        out = link_binary([build.harness_obj, ctx.need_object()], flags=link_flags(build.flags),
                          compiler=build.compiler, ldflags=build.problem.ldflags)  # fmt: skip
        if not out.ok:
            msg = f"link error: {out.message}"
            return StepResult("link", False, Status.COMPILE_ERROR, msg, out.log, out.seconds)
        ctx.binary = out.path
        return StepResult("link", True, None, "linked", out.log, out.seconds)


class DifftestStep(BaseStep):
    name, phase, cost, order = "difftest", Phase.CHECK, Cost.RUN, 50.0

    def skip_reason(self, ctx: VerifyContext) -> str | None:
        if not ctx.options.difftest:
            return "checked before"
        return super().skip_reason(ctx)

    def run(self, ctx: VerifyContext) -> StepResult:
        o = ctx.options
        build = ctx.need_build()
        if o.legacy_checks:
            step = legacy_difftest(build, ctx.need_binary(), threads=o.difftest_threads,
                                   seeds=o.seeds)  # fmt: skip
        else:
            step = difftest(build, ctx.need_binary(), threads=o.difftest_threads, seeds=o.seeds,
                            above=above_literals(build, ctx.code))  # fmt: skip
        step.data["static"] = static_parallelism(ctx.code).to_dict()
        step.data["static"]["object_threads"] = list(object_threads(ctx.need_object()).symbols)
        ctx.reference_wall_s = max(
            ctx.reference_wall_s, float(step.data.get("max_reference_wall_s", 0.0))
        )
        return step


class RaceStep(BaseStep):
    name, phase, cost, order = "race", Phase.CHECK, Cost.EXPENSIVE, 60.0

    def skip_reason(self, ctx: VerifyContext) -> str | None:
        if not ctx.options.race:
            return "disabled by the caller"
        return super().skip_reason(ctx)

    def run(self, ctx: VerifyContext) -> StepResult:
        wall = max(MIN_RACE_WALL_S, RACE_WALL_FACTOR * ctx.reference_wall_s)
        if ctx.options.legacy_checks:
            return legacy_race_check(ctx.need_build(), ctx.code, wall)
        return race_check(ctx.need_build(), ctx.code, wall,
                          compiled=object_threads(ctx.need_object()))  # fmt: skip


class TimingStep(BaseStep):
    name, phase, cost, order = "timing", Phase.TIMING, Cost.TIMING, 100.0

    def skip_reason(self, ctx: VerifyContext) -> str | None:
        if not ctx.options.timing:
            return "disabled by the caller"
        return super().skip_reason(ctx)

    def run(self, ctx: VerifyContext) -> StepResult:
        step, measurement = measure(ctx.need_build(), ctx.need_binary(), threads=ctx.options.threads,
                                    plan=timing_plan(ctx.options))  # fmt: skip
        ctx.measurement = measurement
        used = int(step.data.get("coverage", {}).get("threads_used", 0) or 0)
        if step.ok and used > 1 and not _parallel_path_checked(ctx):
            n = ctx.need_build().problem.bench_size
            step.data["unchecked"] = [f"race not checked at sizes where the code runs parallel: "
                                      f"n={n} uses {used} threads, no checked run used more than "
                                      "one"]  # fmt: skip
        return step


def _parallel_path_checked(ctx: VerifyContext) -> bool:
    """Did a checked run (difftest, the race runs at their sizes, or the parallel_size
    step's race run) start threads?
    Without the check phase in this verdict (timing only), the caller checked before;
    with race checking switched off by the caller there is nothing to hold back."""
    if not ctx.options.race or ctx.options.legacy_checks:
        return True  # the caller switched race checking off (or asked for the old one)
    checked = {s.step: s for s in ctx.steps}
    difftest = checked.get("difftest")
    if difftest is None or difftest.skipped:
        return True
    if int(difftest.data.get("coverage", {}).get("max_threads_seen", 0) or 0) > 1:
        return True
    size = checked.get("parallel_size")
    cov = size.data.get("coverage", {}) if size is not None else {}
    return bool(cov.get("race_sizes")) or int((cov.get("probe") or {}).get("baseline_team", 0)) > 1


class ScalingStep(BaseStep):
    """With `options.scaling`: the candidate at 1 .. cores threads (speedup, efficiency)."""

    name, phase, cost, order = "scaling", Phase.TIMING, Cost.TIMING, 110.0

    def applies(self, ctx: VerifyContext) -> bool:
        return ctx.options.scaling

    def run(self, ctx: VerifyContext) -> StepResult:
        m = ctx.measurement
        known = {m.threads: m} if m is not None else {}
        return measure_scaling(ctx.need_build(), ctx.need_binary(), timing_plan(ctx.options),
                               known=known)  # fmt: skip


def timing_plan(o: VerifyOptions) -> TimingPlan:
    """The timing plan the verify options ask for."""
    return TimingPlan(reps=o.timing_reps, warmup=o.warmup, target=o.timing_target,
                      max_reps=o.timing_max_reps, time_budget_s=o.timing_budget_s,
                      slow_stop=o.slow_stop, samples=o.timing_samples,
                      quiet_wait_s=o.timing_quiet_wait_s, inputs=o.timing_inputs)  # fmt: skip


for _step in (ExtractStep(), CompileStep(), InterfaceStep(), LinkStep(), DifftestStep(), RaceStep(),
              TimingStep(), ScalingStep()):  # fmt: skip
    register_step(_step)
