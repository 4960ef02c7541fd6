"""plausibility with few timed pairs (`--reps 1` or 2): the outside-the-call rule needs
all pairs but the lowest fifth to show an excess, which with one pair is that pair, so
one stalled run (load) made a correct candidate suspect. Such an excess is re-measured
with more pairs (outside time only) and judged on all of them; work really moved out of
the call shows in every pair and is still held."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.compile import compile_object, link_binary, link_flags
from parcodegen.types import Candidate, Measurement, Status, StepResult
from parcodegen.verify.context import VerifyContext, VerifyOptions
from parcodegen.verify.integrity_steps import (
    OUTSIDE_MIN_PAIRS,
    PlausibilityStep,
    outside_problem,
    outside_undecided,
    speed_problem,
    speed_undecided,
)
from parcodegen.verify.pipeline import verify

REDUCTION = Path(__file__).resolve().parents[2] / "examples" / "reduction"
GOOD = (REDUCTION / "candidates" / "good.cpp").read_text()


def _problem(tmp_path: Path) -> Path:
    d = tmp_path / "reduction"
    shutil.copytree(REDUCTION, d)
    toml = d / "problem.toml"
    toml.write_text(re.sub(r"(?m)^bench\s*=.*$", "bench = 1000000", toml.read_text()))
    return d


def test_few_pairs_with_any_excess_are_undecided_either_way():
    base = {"threads": 2, "speedup": 1.8, "reference_times": [0.3] * 3,
            "candidate_times": [0.17] * 3}  # fmt: skip
    # moved work (0.3 s after every candidate run) hidden by one stalled reference run
    hidden = {**base, "reference_outside_s": [0.3, 0.3, 0.75], "candidate_outside_s": [0.6] * 3}
    assert not outside_problem(hidden) and outside_undecided(hidden)
    # a correct candidate with one stalled run of its own
    stalled = {**base, "reference_outside_s": [0.3] * 3, "candidate_outside_s": [0.3, 0.3, 0.8]}
    assert not outside_problem(stalled) and outside_undecided(stalled)
    # nothing in any pair, or enough pairs for the rule itself: nothing to re-measure
    calm = {**base, "reference_outside_s": [0.3] * 3, "candidate_outside_s": [0.31] * 3}
    assert not outside_undecided(calm)
    many = {**base, "reference_outside_s": [0.3] * 6, "candidate_outside_s": [0.3] * 5 + [0.9]}
    assert not outside_problem(many) and not outside_undecided(many)


def test_an_implausible_estimate_with_an_interval_from_zero_is_undecided():
    # a forger's 200x from 2 pairs under load: the interval's low end is 0, so the bound on
    # it says nothing; the CPU time (the moved work still counts) does not explain it
    d = {"threads": 2, "speedup": 200.0, "interval": [0.0, 1e12],
         "reference_times": [0.1, 0.1], "candidate_times": [0.0005, 0.0005],
         "reference_outside_s": [0.2, 0.2], "candidate_outside_s": [0.3, 0.3],
         "reference_cpu_s": [0.3, 0.3], "candidate_cpu_s": [0.31, 0.31]}  # fmt: skip
    assert not speed_problem(d) and speed_undecided(d)
    # a plausible estimate, or one the CPU time explains (a faster algorithm), is decided
    assert not speed_undecided({**d, "speedup": 1.9})
    assert not speed_undecided({**d, "candidate_cpu_s": [0.2005, 0.2005]})


def test_one_preempted_pair_is_re_timed_not_suspect():
    # --reps 1 under load 13: the same code read 7.1x from its one pair (a preempted
    # reference window); with no interval the point estimate is re-timed, not judged
    from parcodegen.memory.seed_kb import seed_dirs

    tiny = seed_dirs(names=["small_table_lookup"])[0]
    code = (tiny / "fast.cpp").read_text()
    problem = load_problem(tiny)
    build = build_problem(problem)
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    binary = link_binary([build.harness_obj, obj.path], flags=link_flags(build.flags),
                         compiler=build.compiler).path  # fmt: skip
    data = {"threads": 2, "speedup": 7.1, "interval": None, "calls_per_window": 16384,
            "reference_times": [7.1e-8], "candidate_times": [1e-8],
            "reference_outside_s": [0.2], "candidate_outside_s": [0.2],
            "reference_cpu_s": [0.2], "candidate_cpu_s": [0.2]}  # fmt: skip
    assert not speed_problem(data, point=False) and speed_undecided(data)
    ctx = VerifyContext(problem, Candidate(code), VerifyOptions(timing_quiet_wait_s=0), code,
                        build=build, binary=binary,
                        measurement=Measurement((7.1e-8,), (1e-8,), 7.1e-8, 1e-8, 0.0, 0.0, 2,
                                                problem.bench_size))  # fmt: skip
    ctx.steps.append(StepResult("timing", True, None, "", data=data))
    got = PlausibilityStep().run(ctx)
    assert got.ok, got.message
    assert "re-timed" in got.message


def test_waiting_outside_the_call_does_not_excuse_moved_work():
    # under load the reference's run waited 0.5 s outside its call (wall, not CPU): its
    # CPU outside is 0.2 s, and the forger's 0.3 s of CPU (0.1 s of it the moved work)
    # must not read as a 1000x-cheaper call
    d = {"threads": 2, "speedup": 1000.0, "reference_times": [0.1], "candidate_times": [1e-4],
         "reference_outside_s": [0.5], "candidate_outside_s": [0.3],
         "reference_cpu_s": [0.3], "candidate_cpu_s": [0.3]}  # fmt: skip
    assert "beyond what 2 threads allow" in speed_problem(d)


def test_one_stalled_pair_is_re_measured_not_suspect(tmp_path):
    problem = load_problem(_problem(tmp_path))
    build = build_problem(problem)
    obj = compile_object(GOOD, headers=build.headers, flags=build.flags, compiler=build.compiler)
    binary = link_binary([build.harness_obj, obj.path], flags=link_flags(build.flags),
                         compiler=build.compiler).path  # fmt: skip
    # what a --reps 1 timing recorded when its one candidate run stalled 0.4 s at exit
    data = {"threads": 2, "speedup": 1.8, "reference_times": [0.010], "candidate_times": [0.0056],
            "reference_outside_s": [0.08], "candidate_outside_s": [0.48]}  # fmt: skip
    assert outside_problem(data)  # on its own, the one pair is an excess
    ctx = VerifyContext(problem, Candidate(GOOD), VerifyOptions(), GOOD, build=build,
                        binary=binary, measurement=Measurement((0.01,), (0.0056,), 0.01, 0.0056,
                                                               0.0, 0.0, 2, problem.bench_size))  # fmt: skip
    ctx.steps.append(StepResult("timing", True, None, "", data=data))
    got = PlausibilityStep().run(ctx)
    assert got.ok, got.message
    assert f"re-measured with {OUTSIDE_MIN_PAIRS} more pairs" in got.message


def test_work_moved_after_the_call_is_still_held_with_one_pair(tmp_path):
    # the call is right, but every run spends 0.3 s more after main (a static destructor):
    # every re-measured pair shows it too
    code = GOOD.replace(
        "double gaussian_energy",
        "#include <unistd.h>\nstruct Later { ~Later() { usleep(300000); } } later;\n"
        "double gaussian_energy",
    )
    opts = VerifyOptions(difftest=False, race=False, timing_reps=1, threads=2,
                         timing_quiet_wait_s=0)  # fmt: skip
    v = verify(load_problem(_problem(tmp_path)), Candidate(code), opts)
    assert v.status is Status.SUSPECT, v.message
    assert "outside the timed call" in v.message and "re-measured" in v.message
