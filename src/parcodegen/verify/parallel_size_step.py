"""The `parallel_size` step: race-check a candidate wherever its code runs in a team.

Runs after the race step for code that can start threads. The path probe
(tools/path_probe.py) takes the blocks of the candidate that ran, and ran in an OpenMP
team, at the race step's sizes and thread counts, then runs the benchmark size: code that
runs in a team only there (a region behind a threshold computed at run time, in code
serial at the test sizes or already parallel there; another branch of a region) is
located at doubling sizes, and the race step runs again at the few sizes where all of it
runs in a team (TSan, within the reference's budget; at most MAX_RACE_SIZES). When the
probe cannot be built, ends early, or a size cannot be race-checked, the verdict names it
unchecked: never a plain PASS for code whose parallel path no check ran. (Outputs at the
benchmark size: the timing step, or with timing off the bench_size step.)
"""

from __future__ import annotations

from parcodegen.tools.parallelism import static_parallelism
from parcodegen.tools.build import ProblemBuild
from parcodegen.tools.difftest import Case
from parcodegen.tools.bench_reference import BENCH_SAMPLES, bench_reference
from parcodegen.tools.block_locations import symbolizer_for
from parcodegen.tools.path_probe import (
    PathProbe,
    cover_sizes,
    probe_paths,
    rerun,
    rerun_baseline,
)
from parcodegen.tools.probe_build import build_path_probe
from parcodegen.tools.probe_run import PROBE_RUN_S, PROBE_SAMPLES, PROBE_SEED
from parcodegen.tools.race_plan import THRESHOLD_BUDGET_S
from parcodegen.tools.harness import PlannedCall
from parcodegen.tools.race import budgeted_reference, race_check
from parcodegen.tools.toolchain import default_toolchain
from parcodegen.types import StepResult
from parcodegen.verify.builtin_steps import MIN_RACE_WALL_S, RACE_WALL_FACTOR
from parcodegen.verify.context import BENCH_OUTPUTS, VerifyContext
from parcodegen.verify.steps import BaseStep, Cost, Phase, register_step

NAME = "parallel_size"
MAX_RACE_SIZES = 3
RERUNS = 4  # further probe runs at the largest affordable size when code is left uncovered
BASELINE_RERUNS = 3  # ... and of the baseline (the race sizes), in turn with those
PROBE_WALL_FACTOR = 20.0  # a probe run's limit at the benchmark size, x the reference's there


def _step(ctx: VerifyContext, name: str) -> StepResult | None:
    return next((s for s in ctx.steps if s.step == name), None)


def baseline_calls(ctx: VerifyContext, race: StepResult) -> list[PlannedCall]:
    """The calls the race step made: its sizes x thread counts x the patterns its
    processes used (each process its own)."""
    problem = ctx.need_build().problem
    cov = race.data.get("coverage", {})
    sizes = cov.get("sizes") or [max(problem.test_sizes)]
    threads = cov.get("threads") or [2]
    runs = int(cov.get("runs", 1) or 1)
    patterns = list(dict.fromkeys(problem.patterns[r % len(problem.patterns)]
                                  for r in range(runs)))  # fmt: skip
    return [PlannedCall(7 + 1000 * k, n, p, t) for k, p in enumerate(patterns) for t in threads
            for n in sizes]  # fmt: skip


def affordable(build: ProblemBuild, n: int) -> bool:
    """Can the race step run at n: the reference's run there within its budget (the same
    cached run the race step reads)?"""
    return budgeted_reference(build, Case(n, build.problem.patterns[0], 7)) is not None


def _own_threads(p: PathProbe) -> bool:
    """Code with threads of its own (std::thread): no OpenMP team, every block parallel."""
    return p.keys is not None and p.keys.own_threads


def _probe_text(p: PathProbe) -> str:
    sizes = ", ".join(map(str, p.sizes)) or "-"
    team = "threads of its own" if _own_threads(p) else f"team {p.baseline_team}"
    return (f"probe build: {p.baseline_blocks} blocks ran at the race sizes ({team}), "
            f"probed n {sizes} at {p.threads} threads, conflicts up to "
            f"n={p.conflicts_to}")  # fmt: skip


class ParallelSizeStep(BaseStep):
    name, phase, cost, order = NAME, Phase.CHECK, Cost.EXPENSIVE, 65.0

    def applies(self, ctx: VerifyContext) -> bool:
        race = _step(ctx, "race")
        return (
            not ctx.options.legacy_checks
            and race is not None
            and race.ok
            and not race.skipped
            and static_parallelism(ctx.code).parallel
        )

    def run(self, ctx: VerifyContext) -> StepResult:
        race = _step(ctx, "race")
        assert race is not None
        build = ctx.need_build()
        tc = default_toolchain()
        builds, why = build_path_probe(build, ctx.code, tc)
        cov: dict = {"race_sizes": []}
        data: dict = {"coverage": cov}
        if builds is None:
            data["unchecked"] = [f"code that runs only above the race sizes not looked for: {why}"]
            return StepResult(NAME, True, None, f"path probe not run: {why}", "", 0.0, data=data)
        own = bool(static_parallelism(ctx.code).other_threads)
        # with timing off the bench_size step runs the reference there anyway (kept): a
        # candidate slower than it gets a proportional limit instead of the fixed one
        bench_wall, samples = PROBE_RUN_S, PROBE_SAMPLES
        if not ctx.options.timing:
            ref = bench_reference(build)
            if ref.ok:
                bench_wall = max(PROBE_RUN_S, PROBE_WALL_FACTOR * ref.result.wall_s)
                samples = BENCH_SAMPLES  # the bench_size step compares them
        probe = probe_paths(build, builds, baseline_calls(ctx, race), own, bench_wall,
                            symbolizer_for(tc.clangxx), samples)  # fmt: skip
        if isinstance(probe, str):
            data["unchecked"] = [
                f"code that runs only above the race sizes not looked for: {probe}"
            ]
            return StepResult(NAME, True, None, f"path probe failed: {probe}", "", 0.0, data=data)
        if probe.bench is not None and samples == BENCH_SAMPLES:
            ctx.facts[BENCH_OUTPUTS] = (probe.bench.outputs, probe.threads, probe.bench.wall_s)
        cov["probe"] = probe.to_dict()
        seconds = probe.seconds
        text = _probe_text(probe)
        unchecked: list[str] = []
        if probe.conflicts_unchecked:
            unchecked.append(f"races above n={probe.conflicts_to} on the same code paths not "
                             f"looked for ({probe.conflicts_unchecked})")  # fmt: skip
        if probe.stopped:
            last = probe.sizes[-1] if probe.sizes else max(c.n for c in baseline_calls(ctx, race))
            unchecked.append(f"race not checked at sizes where the code may run parallel: "
                             f"n > {last} ({probe.stopped})")  # fmt: skip
        wall = max(MIN_RACE_WALL_S, RACE_WALL_FACTOR * ctx.reference_wall_s)
        known: dict[int, bool] = {}  # a reference run over the budget is not kept: ask once

        def within_budget(n: int) -> bool:
            if n not in known:
                known[n] = affordable(build, n)
            return known[n]

        chosen, missed = cover_sizes(probe, within_budget, MAX_RACE_SIZES)
        # code that first ran in a team only where the race step cannot go may be code that
        # runs when threads collide: a few more runs, in turn at the largest affordable size
        # and of the baseline (the race sizes), with other seeds
        top_ok = 0
        for n in probe.sizes if missed else ():  # ascending: stop at the first over budget
            if not within_budget(n):
                break
            top_ok = n
        plan = [top_ok] * (RERUNS if top_ok else 0)
        for k in range(BASELINE_RERUNS):  # the baseline's (0) between them
            plan.insert(2 * k + 1, 0)
        for k, n in enumerate(plan if missed else []):
            seed = PROBE_SEED + 1 + k
            if n:
                ran = rerun(build, builds, probe, n, seed)
            else:
                ran = rerun_baseline(build, builds, probe, baseline_calls(ctx, race), seed)
            if not ran:
                break
            chosen, missed = cover_sizes(probe, within_budget, MAX_RACE_SIZES)
            if not missed:
                break
        for n in missed:
            unchecked.append(f"race not checked at sizes where the code runs parallel: n>={n} "
                             f"(code or a conflict first seen in a team there; the reference "
                             f"needs more than {THRESHOLD_BUDGET_S}s of CPU there, or more "
                             f"than {MAX_RACE_SIZES} sizes "
                             "would be needed)")  # fmt: skip
        log: list[str] = [text]
        for n in chosen:
            check = race_check(build, ctx.code, wall, at_sizes=(n,))
            seconds += check.seconds
            log.append(check.log)
            runs = ("on threads of its own that no race-checked size ran" if _own_threads(probe)
                    else "in a team that no race-checked size ran in one")  # fmt: skip
            where = f"n={n}: a probed size where code runs {runs} ({text})"
            cov.setdefault("race", []).append(check.data.get("coverage", {}))
            if not check.ok and not check.skipped:
                return StepResult(NAME, False, check.status, f"{check.message} [{where}]",
                                  "\n".join(log), seconds, data={**check.data, "coverage": cov})  # fmt: skip
            if check.skipped or check.data.get("unchecked"):
                why_not = check.message.removeprefix("skipped: ")
                unchecked.append(f"race not checked at sizes where the code runs parallel: "
                                 f"n>={n} ({why_not})")  # fmt: skip
                continue
            cov["race_sizes"].append(n)
        if unchecked:
            data["unchecked"] = unchecked
        summary = self._summary(probe, cov["race_sizes"])
        if unchecked and not cov["race_sizes"] and any(probe.new_parallel):
            summary = (f"code or conflicts first seen in a team above the race sizes were not "
                       f"race-checked ({_probe_text(probe)})")  # fmt: skip
        return StepResult(NAME, True, None, summary,
                          "\n".join(log), seconds, data=data)  # fmt: skip

    @staticmethod
    def _summary(probe: PathProbe, raced: list[int]) -> str:
        if raced:
            return (f"no data race found at n={', '.join(map(str, raced))}, where code first "
                    f"runs in a team ({_probe_text(probe)})")  # fmt: skip
        if probe.sizes and probe.threads_seen[-1] <= 1 and probe.baseline_team <= 1:
            return (f"serial up to the benchmark size: no team started ({_probe_text(probe)}; "
                    "the candidate's OpenMP code never runs parallel)")  # fmt: skip
        return (f"no code runs in a team above the race sizes that did not run in one there "
                f"({_probe_text(probe)})")  # fmt: skip


register_step(ParallelSizeStep())
