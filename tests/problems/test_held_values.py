"""Numbers a problem holds fixed (problems/held.py): which are held, and difftest calls
with them changed. Each wrong candidate here is right at the problem's own number and
passes the difftest without the changed calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.errors import ProblemError
from parcodegen.problems.held import held_values
from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.difftest import difftest
from parcodegen.tools.race import above_literals
from parcodegen.types import Status

from candidate_binary import candidate_binary

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = ROOT / "problems" / "builtin"


def _held(problem_id: str) -> list[tuple[str, str, int]]:
    return [(h.name, h.what, h.fixed) for h in held_values(load_problem(BUILTIN / problem_id))]


def test_literal_scalars_and_read_lengths_are_held() -> None:
    assert _held("stencil/jacobi_2d") == [("steps", "value", 10)]
    assert _held("search/count_pattern") == [("pat", "size", 3)]
    assert _held("transform/mandelbrot") == [("max_iter", "value", 256)]
    # sizes in n, random scalars and output tables of a fixed length are not held
    assert _held("reduce/log_likelihood") == []
    assert _held("histogram/byte_histogram") == []
    # the contract fixes these lengths (vary = false)
    assert _held("stencil/conv_1d") == []
    assert _held("geometry/point_in_polygon") == []


def _problem(tmp_path: Path, reference: str, args: str, extra: str = "") -> Path:
    d = tmp_path / "p"
    d.mkdir()
    (d / "reference.cpp").write_text(reference)
    (d / "problem.toml").write_text(
        'function = "f"\nreturns = "double"\npatterns = ["random"]\n'
        + args
        + "\n[sizes]\ntest = [0, 1, 7, 40]\nbench = 1000\n"
        + extra
    )
    return d


PAIRED_REF = """#include <vector>
double f(const std::vector<double>& x, const std::vector<double>& wx,
         const std::vector<double>& wy) {
  double s = 0;
  for (std::size_t k = 0; k < wx.size(); ++k)
    for (double v : x) s += wx[k] * wy[k] * v;
  return s;
}
"""
PAIRED_ARGS = """
[[args]]
name = "x"
type = "const std::vector<double>&"
size = "n"
[[args]]
name = "wx"
type = "const std::vector<double>&"
size = "4"
[[args]]
name = "wy"
type = "const std::vector<double>&"
size = "4"
"""


def test_arrays_of_the_same_literal_length_change_together(tmp_path: Path) -> None:
    problem = load_problem(_problem(tmp_path, PAIRED_REF, PAIRED_ARGS))
    held = held_values(problem)
    assert [(h.name, h.what) for h in held] == [("wx", "size"), ("wy", "size")]
    build = build_problem(problem)
    unrolled = PAIRED_REF.replace("k < wx.size()", "k < wx.size() && k < 4")  # at most 4
    result = difftest(build, candidate_binary(build, unrolled))
    assert result.status is Status.WRONG_OUTPUT
    assert "'wx' of 5 elements (the problem's is 4), 'wy' of 5 elements" in result.message
    ok = difftest(build, candidate_binary(build, PAIRED_REF))
    assert ok.ok, ok.message
    coverage = ok.data["coverage"]
    assert len(coverage["held_values_changed"]) == 4  # a length is not made 0
    assert "length of 'wx' = 5, 6, 7, 1 (the problem's is 4)" in ok.message


def test_vary_false_keeps_the_length(tmp_path: Path) -> None:
    args = PAIRED_ARGS.replace('size = "4"', 'size = "4"\nvary = false')
    problem = load_problem(_problem(tmp_path, PAIRED_REF, args))
    assert held_values(problem) == ()
    build = build_problem(problem)
    unrolled = PAIRED_REF.replace("k < wx.size()", "k < 4")
    assert difftest(build, candidate_binary(build, unrolled)).ok


def test_vary_must_be_a_boolean(tmp_path: Path) -> None:
    args = PAIRED_ARGS.replace('size = "4"', 'size = "4"\nvary = "no"', 1)
    with pytest.raises(ProblemError, match="vary"):
        load_problem(_problem(tmp_path, PAIRED_REF, args))


STRIDE_REF = """#include <vector>
double f(const std::vector<double>& x, int stride) {
  if (stride <= 0) __builtin_trap();  // not a valid input: the reference refuses it
  double s = 0;
  for (std::size_t i = 0; i < x.size(); i += stride) s += x[i];
  return s;
}
"""
STRIDE_ARGS = """
[[args]]
name = "x"
type = "const std::vector<double>&"
size = "n"
[[args]]
name = "stride"
type = "int"
value = "2"
"""


def test_an_alternative_the_reference_fails_at_is_left_out(tmp_path: Path) -> None:
    build = build_problem(load_problem(_problem(tmp_path, STRIDE_REF, STRIDE_ARGS)))
    ok = difftest(build, candidate_binary(build, STRIDE_REF))
    assert ok.ok, ok.message
    coverage = ok.data["coverage"]
    assert coverage["held_values_changed"] == [
        f"stride={k} (the problem's is 2)" for k in (3, 4, 5, 1)
    ]
    assert coverage["held_values_not_changed"] == [
        "stride=0 (the problem's is 2): the reference fails there, not tested"
    ]
    # right for even strides only: the changed calls find it
    even = STRIDE_REF.replace("i += stride) s += x[i];", "i += 2) s += x[i];")
    result = difftest(build, candidate_binary(build, even))
    assert result.status is Status.WRONG_OUTPUT
    assert "stride=3 (the problem's is 2)" in result.message


def test_held_numbers_change_above_the_candidates_literals_too(tmp_path: Path) -> None:
    """A fast path for large inputs that hard-wires the problem's number: only calls above
    the literal it compares n with reach it (difftest's sizes stop at 40 here)."""
    build = build_problem(load_problem(_problem(tmp_path, STRIDE_REF, STRIDE_ARGS)))
    gated = STRIDE_REF.replace(
        "for (std::size_t i = 0; i < x.size(); i += stride) s += x[i];",
        "if (x.size() > 100) { for (std::size_t i = 0; i < x.size(); i += 2) s += x[i]; }\n"
        "  else { for (std::size_t i = 0; i < x.size(); i += stride) s += x[i]; }",
    )
    assert gated != STRIDE_REF
    above = above_literals(build, gated)
    assert above == (101,)
    binary = candidate_binary(build, gated)
    assert difftest(build, binary).ok  # the test sizes alone pass it
    result = difftest(build, binary, above=above)
    assert result.status is Status.WRONG_OUTPUT
    assert "n=101" in result.message and "stride=3 (the problem's is 2)" in result.message
    assert "above the literals the candidate compares n with" in result.message
