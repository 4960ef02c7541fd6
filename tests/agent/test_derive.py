"""Deriving a problem from a plain source file and a function name."""

from __future__ import annotations

import pytest

from parcodegen.errors import ProblemError
from parcodegen.problems.derive import derive_problem, parse_signature

SRC = """#include <vector>
#include <cstddef>
#include "local.h"
/* a comment with vsum( in it */
double vsum(const std::vector<double>& x) { double s = 0; for (double v : x) s += v; return s; }
void axpy(double a, const double *x, double y[], std::size_t n) { for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i]; }
void count(const int* v, int len, long& out) { out = 0; for (int i = 0; i < len; ++i) out += v[i] > 0; }
static int hidden(int a) { return a; }
void nolen(double* p) { p[0] = 1; }
struct G {};
void custom(const G& g) {}
"""


@pytest.fixture()
def src(tmp_path):
    f = tmp_path / "code.cpp"
    f.write_text(SRC)
    (tmp_path / "local.h").write_text("#pragma once\n")
    return f


def test_parse_signature_handles_arrays_pointers_and_references():
    assert parse_signature(SRC, "vsum") == ("double", [parse_signature(SRC, "vsum")[1][0]])
    ret, params = parse_signature(SRC, "axpy")
    assert ret == "void"
    assert [(p.ctype, p.name) for p in params] == [
        ("double", "a"), ("const double*", "x"), ("double*", "y"), ("std::size_t", "n")]  # fmt: skip


def test_derived_pointer_and_length_problem_loads(src, tmp_path):
    d = derive_problem(src, "axpy", tmp_path / "out", bench_size=1000)
    p = d.problem
    assert p.function == "axpy" and p.bench_size == 1000 and 0 in p.test_sizes
    by_name = {a.name: a for a in p.args}
    assert by_name["n"].value == "n"  # the parameter keeps its name; its value is the size
    assert by_name["x"].size == "n" and by_name["y"].size == "n"
    assert (d.directory / "local.h").is_file()  # headers next to the source are copied
    assert any("length of the arrays" in note for note in d.assumptions)


def test_derived_scalar_output_and_integer_length(src, tmp_path):
    d = derive_problem(src, "count", tmp_path / "out")
    by_name = {a.name: a for a in d.problem.args}
    assert by_name["len"].value == "n" and by_name["out"].ctype == "long&"
    assert d.problem.returns == "void"


@pytest.mark.parametrize(("function", "message"), [
    ("hidden", "static"), ("nolen", "length"), ("custom", "hook"), ("missing", "no definition"),
])  # fmt: skip
def test_what_cannot_be_derived_is_refused_with_a_hint(src, tmp_path, function, message):
    with pytest.raises(ProblemError, match=message):
        derive_problem(src, function, tmp_path / "out")
