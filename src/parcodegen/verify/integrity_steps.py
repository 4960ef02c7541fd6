"""Verdict integrity: checks that a result is one a hostile candidate could not forge.

- `compiler_dependence` (build phase, after compile): the race build must test the same
  program as the tested build; code that asks which compiler or sanitizer builds it is
  rejected (tools.compiler_dependence).
- `plausibility` (timing phase, after timing): the call's time is the launcher's, but a
  candidate can still move work out of the timed call (a static constructor, a
  destructor, a background thread, an early return with the work finished while the
  outputs are written). The launcher also measures the whole run; the candidate's wall
  time outside the call may exceed the reference's (the same harness code) only by
  noise, in all pairs but the lowest fifth (with fewer than OUTSIDE_MIN_PAIRS timed
  pairs, as with `--reps 1`, an excess is re-measured with that many more pairs first:
  one stalled run is not evidence). And a speedup beyond what the thread count allows
  (threads x 1.5 + 0.5) is held for review, not accepted, unless the candidate's CPU time explains it: a faster
  algorithm (a lookup table, a better bound) does less work, so its call's CPU time is
  lower in proportion, while work hidden from the timed call or spread over more threads
  than allowed is not (the launcher's rusage counts every thread and child).
Both fail with Status.SUSPECT, never a pass.
"""

from __future__ import annotations

import statistics

from parcodegen.tools.build import candidate_name
from parcodegen.tools.compile import TSAN_FLAGS
from parcodegen.tools.compiler_dependence import (
    common_macros,
    differing_macros,
    find_dependences,
    predefined_values,
)
from parcodegen.tools.timing import TimingPlan, measure, outside_samples
from parcodegen.types import Status, StepResult
from parcodegen.verify.context import VerifyContext
from parcodegen.verify.steps import BaseStep, Cost, Phase, register_step

SPEEDUP_PER_THREAD = 1.5  # superlinear allowance (caches) per thread
SPEEDUP_MARGIN = 0.5
OUTSIDE_CALL_FRACTION = 0.25  # of the reference's call time
OUTSIDE_NOISE_FRACTION = 0.2  # of the reference's own time outside the call
OUTSIDE_NOISE_S = 0.05  # start-up and OpenMP thread teardown vary this much under load
OUTSIDE_MIN_PAIRS = 5  # fewer pairs showing an excess outside the call: re-measured
RETIME_MIN_PAIRS = 8  # an implausible estimate with an undecided interval: re-timed


class CompilerDependenceStep(BaseStep):
    name, phase, cost, order = "compiler_dependence", Phase.BUILD, Cost.CHEAP, 25.0
    silent_on_success = True

    def run(self, ctx: VerifyContext) -> StepResult:
        build = ctx.need_build()
        suffix = ".c" if candidate_name(ctx.problem).endswith(".c") else ".cpp"
        race_cc = "clang" if suffix == ".c" else "clang++"
        tested, race = (build.compiler, build.flags), (race_cc, TSAN_FLAGS + build.code_flags)
        builds = (predefined_values(*tested, suffix), predefined_values(*race, suffix))
        found = find_dependences(ctx.code, differing_macros(tested, race, suffix),
                                 common_macros(tested, race, suffix),
                                 builds if all(builds) else None)  # fmt: skip
        if not found:
            return StepResult(self.name, True, None, "no compiler- or sanitizer-dependent code")
        shown = "; ".join(d.describe() for d in found[:5])
        more = f" ({len(found) - 5} more)" if len(found) > 5 else ""
        msg = ("the code depends on which compiler or sanitizer builds it, so the race check "
               f"would not test the program that is timed: {shown}{more}")  # fmt: skip
        return StepResult(self.name, False, Status.SUSPECT, msg, msg, 0.0,
                          data={"lines": sorted({d.line for d in found})})  # fmt: skip


def _median(values: object) -> float | None:
    vals = [float(v) for v in values] if isinstance(values, list) else []
    return statistics.median(vals) if vals else None


def _window(data: dict, who: str) -> float | None:
    """Median seconds of one side's timed window: its calls' times (per call) times the
    calls per window (tools.timing batches calls below the launcher's resolution)."""
    call = _median(data.get(f"{who}_times"))
    return None if call is None else call * max(1, int(data.get("calls_per_window") or 1))


def _call_cpu(data: dict, who: str) -> float | None:
    """Median CPU seconds of one side's timed window: the whole run's CPU less the
    reference's CPU outside its window (the same serial harness code for both sides, so
    work a candidate moves out of the call still counts), never below the window's own
    wall time. The reference's outside CPU is its run's CPU less its (serial) window:
    never its wall time outside, which a loaded machine inflates with waiting, so that
    subtracting it would excuse the CPU of work moved out of the call."""
    cpu, call = _median(data.get(f"{who}_cpu_s")), _window(data, who)
    ref_cpu, ref_call = _median(data.get("reference_cpu_s")), _window(data, "reference")
    if cpu is None or call is None or ref_cpu is None or ref_call is None:
        return None
    return max(cpu - max(0.0, ref_cpu - ref_call), call)


def work_ratio(data: dict) -> float:
    """How many times less CPU the candidate's call used than the reference's (>= 1): the
    part of a speedup that a different algorithm explains, not the threads."""
    ref, cand = _call_cpu(data, "reference"), _call_cpu(data, "candidate")
    if ref is None or cand is None or cand <= 0:
        return 1.0
    return max(1.0, ref / cand)


def plausibility_problems(data: dict) -> list[str]:
    """What is implausible about a timing step's data (empty: nothing)."""
    return [p for p in (speed_problem(data), outside_problem(data)) if p]


def speed_problem(data: dict, point: bool = True) -> str:
    """A speedup beyond what the threads allow that the call's CPU time does not explain.
    Judged on the interval's low end; without an interval (one pair, or windows below the
    clock's resolution) on the point estimate, or (`point` False) not at all."""
    threads, speedup = int(data.get("threads") or 1), float(data.get("speedup") or 0.0)
    bound = threads * SPEEDUP_PER_THREAD + SPEEDUP_MARGIN
    interval = data.get("interval")
    has_interval = isinstance(interval, (list, tuple)) and bool(interval)
    if not has_interval and not point:
        return ""
    low = float(interval[0]) if has_interval else speedup  # type: ignore[index]
    work = work_ratio(data)
    if low / work > bound:  # the interval's low end: noise alone does not make it implausible
        less = f" and only {work:.2f}x less CPU time than the reference" if work > 1 else ""
        return (f"speedup {speedup:.2f}x with {threads} threads{less} is beyond what "
                f"{threads} threads allow ({bound:.1f}x): held for review")  # fmt: skip
    return ""


def speed_undecided(data: dict) -> bool:
    """The point estimate is beyond what the threads allow (CPU time not explaining it) but
    the interval's low end is not, or there is no interval: too few or too noisy pairs to
    tell (`--reps 1` gives one pair; a fixed `--reps` under load an interval from 0, and
    one preempted window a 7x "speedup" of identical code); the step re-times first."""
    threads, speedup = int(data.get("threads") or 1), float(data.get("speedup") or 0.0)
    bound = threads * SPEEDUP_PER_THREAD + SPEEDUP_MARGIN
    return not speed_problem(data, point=False) and speedup / work_ratio(data) > bound


def outside_pairs(data: dict) -> int:
    """How many pairs the outside-the-call rule has to go on."""
    r_outs, c_outs = data.get("reference_outside_s"), data.get("candidate_outside_s")
    if not isinstance(r_outs, list) or not isinstance(c_outs, list):
        return 0
    return min(len(r_outs), len(c_outs))


def _outside_excess(data: dict) -> tuple[list[float], float] | None:
    """(per pair, the candidate's time outside the call less the reference's, sorted;
    the allowance), or None without the data."""
    r_outs, c_outs = data.get("reference_outside_s"), data.get("candidate_outside_s")
    r_call = _window(data, "reference")
    if not (isinstance(r_outs, list) and isinstance(c_outs, list) and r_outs and c_outs):
        return None
    if r_call is None:
        return None
    pairs = sorted(float(c) - float(r) for r, c in zip(r_outs, c_outs, strict=False))
    r_out = statistics.median(float(r) for r in r_outs)
    return pairs, OUTSIDE_CALL_FRACTION * r_call + OUTSIDE_NOISE_FRACTION * r_out + OUTSIDE_NOISE_S


def outside_undecided(data: dict) -> bool:
    """Some pair shows an excess but there are too few pairs to tell a stall (of either
    side's run) from moved work: re-measure."""
    got = _outside_excess(data)
    return got is not None and len(got[0]) < OUTSIDE_MIN_PAIRS and got[0][-1] > got[1]


def outside_problem(data: dict) -> str:
    """The candidate's runs spending more time outside the timed call than the
    reference's beyond noise, in all pairs but the lowest fifth ("" when not)."""
    got = _outside_excess(data)
    if got is not None:
        pairs, allowed = got
        r_outs, c_outs = data["reference_outside_s"], data["candidate_outside_s"]
        r_call = _window(data, "reference") or 0.0
        r_out = statistics.median(float(r) for r in r_outs)
        # every pair (or all but the lowest fifth) must show the excess: a moved piece of
        # work shifts every run; noise (a stall, thread teardown under load) shifts a few
        low = pairs[len(pairs) // 5]
        if low > allowed:
            c_out = statistics.median(float(c) for c in c_outs)
            return (
                f"the candidate's runs spend {low:.3f}s or more outside the timed call beyond "
                f"the reference's in {len(pairs) - len(pairs) // 5} of {len(pairs)} pairs "
                f"(median {c_out:.3f}s vs {r_out:.3f}s; allowed {allowed:.3f}s with the "
                f"reference's call {r_call:.3f}s): work moved before or after the call is "
                "not counted"
            )
    return ""


class PlausibilityStep(BaseStep):
    name, phase, cost, order = "plausibility", Phase.TIMING, Cost.CHEAP, 110.0
    silent_on_success = True

    def applies(self, ctx: VerifyContext) -> bool:
        return ctx.measurement is not None

    def run(self, ctx: VerifyContext) -> StepResult:
        timing = next((s for s in reversed(ctx.steps) if s.step == "timing" and s.ok), None)
        data = dict(timing.data) if timing is not None else {}
        outside, note = outside_problem(data), ""
        if outside_undecided(data):
            merged, note = self._remeasured(ctx, data)
            outside = outside_problem(merged)
        problems = [p for p in (speed_problem(data, point=False), outside) if p]
        if not problems and speed_undecided(data):
            problems, more = self._retimed(ctx, data)
            note += more
        cpu = _median(data.get("candidate_cpu_s"))
        beside = f" (candidate process CPU {cpu:.3f}s median)" if cpu is not None else ""
        if problems:
            msg = "; ".join(problems) + note
            return StepResult(self.name, False, Status.SUSPECT, msg, msg + beside, 0.0)
        return StepResult(self.name, True, None, "timing is plausible" + note + beside)

    def _retimed(self, ctx: VerifyContext, data: dict) -> tuple[list[str], str]:
        """An implausible point estimate with an interval too wide to judge: time again,
        at least RETIME_MIN_PAIRS pairs, and apply both rules to the new pairs."""
        if ctx.build is None or ctx.binary is None:
            return [], ""
        o = ctx.options
        plan = TimingPlan(min_reps=RETIME_MIN_PAIRS, max_reps=max(RETIME_MIN_PAIRS, 20),
                          time_budget_s=60.0, quiet_wait_s=o.timing_quiet_wait_s,
                          samples=o.timing_samples, slow_stop=0.0)  # fmt: skip
        step, m = measure(ctx.build, ctx.binary, threads=int(data.get("threads") or 1), plan=plan)
        if not step.ok or m is None:
            return [f"re-timing a speedup of {float(data.get('speedup') or 0):.2f}x failed: "
                    f"{step.message}"], ""  # fmt: skip
        again = step.data
        note = (f" (the {float(data.get('speedup') or 0):.2f}x of an undecided interval was "
                f"re-timed: {m.interval_text()})")  # fmt: skip
        return [p for p in (speed_problem(again), outside_problem(again)) if p], note

    def _remeasured(self, ctx: VerifyContext, data: dict) -> tuple[dict, str]:
        """With fewer than OUTSIDE_MIN_PAIRS pairs (a fixed --reps 1 to 4), one stalled run
        decides the rule: a stalled candidate run makes a correct candidate suspect, a
        stalled reference run hides moved work. When some pair shows an excess, it is
        re-measured with that many more pairs (outside time only), and the rule is applied
        to every pair together."""
        if ctx.build is None or ctx.binary is None:
            return data, ""
        more = outside_samples(ctx.build, ctx.binary, pairs=OUTSIDE_MIN_PAIRS,
                               threads=int(data.get("threads") or 1),
                               calls_per_window=int(data.get("calls_per_window") or 1))  # fmt: skip
        got = len(more["reference_outside_s"])
        merged = dict(data)
        for key, extra in more.items():
            merged[key] = [*(data.get(key) or []), *extra]
        before = outside_pairs(data)
        note = (f" (the excess seen in {before} timed pair{'s' if before != 1 else ''} was "
                f"re-measured with {got} more pairs)")  # fmt: skip
        return merged, note


for _step in (CompilerDependenceStep(), PlausibilityStep()):
    register_step(_step)
