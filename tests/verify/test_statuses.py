"""Every verdict status, with real compilers and processes, on the shipped examples."""

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.race import race_unavailable
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, verify

FAST = VerifyOptions(timing=False)


def check(problem_dir: Path, name: str, options=FAST):
    p = load_problem(problem_dir)
    code = (problem_dir / "candidates" / name).read_text()
    return verify(p, Candidate(code), options)


@pytest.mark.parametrize(
    "example,name,status",
    [
        ("reduction", "good.cpp", Status.PASS),
        ("reduction", "bad_compile.cpp", Status.COMPILE_ERROR),
        ("reduction", "bad_signature.cpp", Status.INTERFACE_MISMATCH),
        ("reduction", "bad_wrong.cpp", Status.WRONG_OUTPUT),
        ("reduction", "bad_hang.cpp", Status.TIMEOUT),
        ("reduction", "bad_crash.cpp", Status.CRASH),
        ("stencil", "good.cpp", Status.PASS),
        ("stencil", "bad_inplace.cpp", Status.WRONG_OUTPUT),
        ("stencil", "bad_border.cpp", Status.WRONG_OUTPUT),
        ("histogram", "good.cpp", Status.PASS),
        ("histogram", "bad_shared_bins.cpp", {Status.WRONG_OUTPUT, Status.RACE}),
        ("histogram", "bad_no_reset.cpp", Status.WRONG_OUTPUT),
    ],
)
def test_example_candidates(examples_dir, example, name, status):
    v = check(examples_dir / example, name)
    allowed = status if isinstance(status, set) else {status}
    # lost updates from a racy histogram show up as wrong output or, if lucky, only as a race
    assert v.status in allowed, v.message
    if status is Status.PASS:
        assert [s.step for s in v.steps] == ["compile", "interface", "difftest", "race",
                                             "parallel_size", "bench_size", "timing"]  # fmt: skip
    else:
        assert v.failing_step is not None and v.failing_step.status in allowed


def test_race_is_found_by_the_race_detector(examples_dir):
    if race_unavailable():
        pytest.fail(f"race detection must be installed for the tests: {race_unavailable()}")
    v = check(examples_dir / "reduction", "bad_race.cpp")
    assert v.status is Status.RACE
    assert "visited++" in v.message and "line 14" in v.message
    assert v.failing_step.data["lines"] == [14]


def test_wrong_output_message_names_input_and_values(examples_dir):
    v = check(examples_dir / "reduction", "bad_wrong.cpp")
    assert "seed=" in v.message and "n=" in v.message and "threads=" in v.message
    assert "expected" in v.message and "got" in v.message


def test_compile_error_feedback_is_short_and_pathless(examples_dir):
    v = check(examples_dir / "reduction", "bad_compile.cpp")
    assert (
        "error" in v.message
        and "/var/tmp" not in v.message
        and "parcodegen-sandbox" not in v.message
    )
    assert len(v.message) < 3000


def test_no_code_reply():
    p = load_problem(Path(__file__).parents[2] / "examples" / "reduction")
    v = verify(p, Candidate("Sorry, I can't do that."), VerifyOptions(timing=False, extract=True))
    assert v.status is Status.NO_CODE and [s.step for s in v.steps] == ["extract"]


def test_reply_with_code_is_extracted_and_verified(examples_dir):
    good = (examples_dir / "reduction" / "candidates" / "good.cpp").read_text()
    p = load_problem(examples_dir / "reduction")
    v = verify(
        p,
        Candidate(f"Here:\n```cpp\n{good}```"),
        VerifyOptions(timing=False, race=False, extract=True),
    )
    assert v.status is Status.PASS


def test_candidate_defining_main_is_rejected(examples_dir):
    good = (examples_dir / "reduction" / "candidates" / "good.cpp").read_text()
    p = load_problem(examples_dir / "reduction")
    v = verify(p, Candidate(good + "\nint main() { return 0; }\n"), FAST)
    assert v.status is Status.INTERFACE_MISMATCH and "main" in v.message


def test_missing_compiler_is_an_infra_error(examples_dir):
    p = load_problem(examples_dir / "reduction")
    good = (examples_dir / "reduction" / "candidates" / "good.cpp").read_text()
    v = verify(p, Candidate(good), VerifyOptions(timing=False, compiler="g++-does-not-exist"))
    assert v.status is Status.INFRA_ERROR and not v.status.is_candidate_fault
    assert "not found" in v.message


def test_timing_measures_and_checks_fresh_inputs(examples_dir):
    p = load_problem(examples_dir / "reduction")
    good = (examples_dir / "reduction" / "candidates" / "good.cpp").read_text()
    v = verify(p, Candidate(good), VerifyOptions(race=False, timing_reps=2, warmup=0))
    assert v.passed and v.measurement is not None
    m = v.measurement
    assert len(m.reference_times) == 2 and len(m.candidate_times) == 2
    assert m.reference_mean > 0 and m.candidate_mean > 0 and v.speedup == m.speedup
    assert m.size == p.bench_size


def test_work_skipped_at_the_benchmark_size_is_caught(examples_dir):
    p = load_problem(examples_dir / "reduction")
    cheat = (
        "#include <cmath>\n#include <vector>\n"
        "double gaussian_energy(const std::vector<double>& x) {\n"
        # a bound computed at run time (a literal compared with the size would have
        # difftest call it just above: the timing step is what this test is about)
        "  std::size_t limit = 1;\n  for (int k = 0; k < 6; ++k) limit *= 10;\n"
        "  if (x.size() > limit) return 0.0;\n"
        "  double s = 0.0;\n  for (double v : x) s += std::exp(-0.5 * v * v);\n  return s;\n}\n"
    )
    v = verify(p, Candidate(cheat), VerifyOptions(race=False, timing_reps=1, warmup=0))
    assert v.status is Status.WRONG_OUTPUT and v.failing_step.step == "timing"


def test_pointer_scalar_output_and_int_return(fixtures_dir):
    p = load_problem(fixtures_dir / "problems" / "pointer_scale")
    ok = p.reference_code
    assert verify(p, Candidate(ok), FAST).passed
    wrong_max = ok.replace("maxval = -1e30f;", "maxval = 0.0f;")
    v = verify(p, Candidate(wrong_max), FAST)
    assert v.status is Status.WRONG_OUTPUT and "'maxval'" in v.message


def test_custom_hook_type(fixtures_dir):
    p = load_problem(fixtures_dir / "problems" / "hooked_points")
    assert verify(p, Candidate(p.reference_code), FAST).passed
    bad = p.reference_code.replace("pts.y[i] -= cy;", "pts.y[i] -= cx;")
    v = verify(p, Candidate(bad), FAST)
    assert v.status is Status.WRONG_OUTPUT and "'pts'" in v.message


def test_changed_return_type_is_an_interface_mismatch(fixtures_dir):
    # `scale_count(const float*, float*, int, float, float&)` keeps its symbol (a C++ name
    # carries no return type) and the counts fit in an int, so only the interface step's
    # return-type check can tell that the harness would call it through the wrong type
    p = load_problem(fixtures_dir / "problems" / "pointer_scale")
    wide = p.reference_code.replace("int scale_count(", "long long scale_count(")
    assert wide != p.reference_code
    v = verify(p, Candidate(wide), FAST)
    assert v.status is Status.INTERFACE_MISMATCH
    assert (
        v.message
        == "interface mismatch: `scale_count` returns `long long int`, the original returns `int`"
    )
    assert [s.step for s in v.steps] == ["compile", "interface"]
