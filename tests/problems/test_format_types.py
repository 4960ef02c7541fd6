"""Every argument type and problem.toml key of the problem format, with a real compile and run.

Each test builds a small problem, checks that its reference passes, and that a candidate
wrong in the way the feature exists to catch is rejected (so the feature is what decides).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.errors import ProblemError
from parcodegen.problems.check import check_problem
from parcodegen.problems.load import load_problem
from parcodegen.tools.build import drop_prelude
from parcodegen.types import Candidate, Problem, Status, Verdict
from parcodegen.verify.pipeline import VerifyOptions, check_candidate

FAST = VerifyOptions(race=False, timing=False, difftest_threads=(1, 3))


def make(tmp_path: Path, source: str, toml: str, name: str = "reference.cpp") -> Problem:
    d = tmp_path / "p"
    d.mkdir(exist_ok=True)
    (d / name).write_text(source)
    (d / "problem.toml").write_text(toml)
    return load_problem(d)


def run(problem: Problem, code: str, options: VerifyOptions = FAST) -> Verdict:
    return check_candidate(problem, Candidate(code), options)


SIZES = "[sizes]\ntest = [0, 1, 5, 64]\nbench = 1000\n"


def test_east_const_restrict_and_pointer_length_pairs(tmp_path):
    src = """#include <vector>
#include <cstddef>
void f(std::vector<double> const& a, const double* __restrict__ b, std::size_t nb, double* __restrict__ out) {
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = 2.0 * a[i];
    for (std::size_t j = 0; j < nb; ++j) out[a.size() + j] = b[j];
}
"""
    toml = (
        """function = "f"
[[args]]
name = "a"
type = "std::vector<double> const&"
size = "n"
[[args]]
name = "b"
type = "const double* __restrict__"
size = "nb"
[[args]]
name = "nb"
type = "std::size_t"
value = "n + 3"
[[args]]
name = "out"
type = "double* __restrict__"
size = "n + nb"
"""
        + SIZES
    )
    p = make(tmp_path, src, toml)
    assert [a.name for a in p.args if a.ctype.endswith("&")] == ["a"]  # east const: an input
    assert run(p, src).passed
    bad = run(p, src.replace("out[a.size() + j] = b[j]", "out[a.size() + j] = b[j] * (j + 1 < nb)"))
    assert bad.status is Status.WRONG_OUTPUT and "'out'" in bad.message  # the second pair's tail


def test_std_array_vector_bool_and_complex(tmp_path):
    src = """#include <array>
#include <complex>
#include <vector>
void g(const std::array<double, 4>& w, std::array<int, 3>& hist, const std::vector<std::complex<double>>& z,
       std::vector<bool>& big, std::complex<double>& total) {
    hist = {0, 0, 0};
    total = 0.0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        big[i] = std::abs(z[i]) > w[0];
        hist[i % 3] += big[i];
        total += z[i] * w[i % 4];
    }
}
"""
    toml = (
        """function = "g"
[[args]]
name = "w"
type = "const std::array<double, 4>&"
range = [0.2, 1.0]
[[args]]
name = "hist"
type = "std::array<int, 3>&"
[[args]]
name = "z"
type = "const std::vector<std::complex<double>>&"
size = "n"
range = [-1.0, 1.0]
[[args]]
name = "big"
type = "std::vector<bool>&"
size = "n"
[[args]]
name = "total"
type = "std::complex<double>&"
"""
        + SIZES
    )
    p = make(tmp_path, src, toml)
    assert run(p, src).passed
    imag = run(
        p,
        src.replace(
            "total += z[i] * w[i % 4];",
            "total += std::complex<double>(z[i].real() * w[i % 4], 0.0);",
        ),
    )
    assert (
        imag.status is Status.WRONG_OUTPUT and "'total'" in imag.message
    )  # imaginary part compared
    bits = run(
        p, src.replace("big[i] = std::abs(z[i]) > w[0];", "big[i] = std::abs(z[i]) >= w[1];")
    )
    assert bits.status is Status.WRONG_OUTPUT
    arr = run(p, src.replace("hist[i % 3] += big[i];", "hist[i % 3] += big[i] && i > 0;"))
    assert arr.status is Status.WRONG_OUTPUT and "'hist'" in arr.message


def test_structs_are_generated_from_their_definition_without_hooks(tmp_path):
    src = """struct Body { double x, y; int id; float v[2]; };
Body heaviest(const Body* in, Body* out, int n) {
    Body best{};
    for (int i = 0; i < n; ++i) {
        out[i] = in[i];
        out[i].x += in[i].v[0];
        out[i].v[1] = (float)in[i].id;
        if (in[i].y > best.y) best = in[i];
    }
    return best;
}
"""
    toml = (
        """function = "heaviest"
returns = "Body"
[[args]]
name = "in"
type = "const Body*"
size = "n"
range = [0, 9]
[[args]]
name = "out"
type = "Body*"
size = "n"
[[args]]
name = "n"
type = "int"
value = "n"
"""
        + SIZES
    )
    p = make(tmp_path, src, toml)
    assert not (p.directory / "hooks.h").exists() and [s.name for s in p.structs] == ["Body"]
    assert run(p, src).passed
    bad = run(
        p,
        src.replace("out[i].v[1] = (float)in[i].id;", "out[i].v[1] = (float)in[i].id + (i == 3);"),
    )
    assert bad.status is Status.WRONG_OUTPUT and "out.v" in bad.message  # a field array, by name
    ret = run(p, src.replace("best = in[i];", "best = out[i];"))
    assert ret.status is Status.WRONG_OUTPUT and "return" in ret.message


C_SRC = """#include <stddef.h>
void matvec(int n, int m, const double A[restrict n][m], const double *restrict x, double *restrict y) {
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < m; j++) s += A[i][j] * x[j];
        y[i] = SCALE * s;
    }
}
"""
C_TOML = (
    """function = "matvec"
source = "reference.c"
defines = ["SCALE=2.0"]
[[args]]
name = "n"
type = "int"
value = "n"
[[args]]
name = "m"
type = "int"
value = "n + 1"
[[args]]
name = "A"
type = "const double*"
size = "n*m"
[[args]]
name = "x"
type = "const double *restrict"
size = "m"
[[args]]
name = "y"
type = "double *restrict"
size = "n"
"""
    + SIZES
)


def test_c_source_compiles_as_c11_with_array_parameters_macros_and_restrict(tmp_path):
    p = make(tmp_path, C_SRC, C_TOML, "reference.c")
    assert p.language == "c" and p.signature.startswith(
        "void matvec(int n, int m, const double A[restrict n][m]"
    )
    par = C_SRC.replace(
        "    for (int i = 0; i < n; i++) {",
        "    #pragma omp parallel for\n    for (int i = 0; i < n; i++) {",
    )
    assert run(
        p, par, VerifyOptions(timing=False, difftest_threads=(1, 3))
    ).passed  # race step in C too
    cxx_only = run(
        p, par.replace("double s = 0.0;", "double s = static_cast<double>(0);")
    )  # C, not C++
    assert cxx_only.status is Status.COMPILE_ERROR
    wrong_type = run(
        p, C_SRC.replace("const double A[restrict n][m]", "const float A[restrict n][m]")
    )
    assert (
        wrong_type.status is Status.INTERFACE_MISMATCH and "A[restrict n][m]" in wrong_type.message
    )


def test_defines_are_needed_and_given(tmp_path):
    p = make(tmp_path, C_SRC, C_TOML.replace('defines = ["SCALE=2.0"]\n', ""), "reference.c")
    with pytest.raises(ProblemError, match="SCALE"):
        run(p, C_SRC)
    p2 = make(tmp_path, C_SRC, C_TOML.replace("SCALE=2.0", "SCALE=3.0"), "reference.c")
    assert run(p2, C_SRC).passed


def test_prelude_is_given_to_reference_and_candidate_and_a_copy_is_dropped(tmp_path):
    prelude = "#include <vector>\nstruct Pair { double a; double b; };\ninline double twice(double v) { return 2 * v; }\n"
    src = (
        "void h(const std::vector<Pair>& p, std::vector<double>& out) {\n"
        "    for (std::size_t i = 0; i < p.size(); ++i) out[i] = twice(p[i].a) + p[i].b;\n}\n"
    )
    toml = (
        f'function = "h"\nprelude = """\n{prelude}"""\n'
        + """[[args]]
name = "p"
type = "const std::vector<Pair>&"
size = "n"
[[args]]
name = "out"
type = "std::vector<double>&"
size = "n"
"""
        + SIZES
    )
    p = make(tmp_path, src, toml)
    assert run(p, src).passed  # the function alone: types and helper come from the prelude
    assert run(p, prelude + "\n" + src).passed  # a reply repeating the prelude compiles too
    assert drop_prelude("x\n" + prelude + "y", prelude) == "x\ny"
    bad = run(p, src.replace("twice(p[i].a)", "p[i].a"))
    assert bad.status is Status.WRONG_OUTPUT


def test_edge_inputs_catch_what_random_inputs_miss(tmp_path):
    src = (
        "#include <vector>\ndouble safe_ratio(const std::vector<double>& x, const std::vector<double>& y) {\n"
        "    double s = 0;\n    for (std::size_t i = 0; i < x.size(); ++i) s += y[i] == 0.0 ? 0.0 : x[i] / y[i];\n"
        "    return s;\n}\n"
    )
    base = (
        """function = "safe_ratio"
returns = "double"
[[args]]
name = "x"
type = "const std::vector<double>&"
size = "n"
[[args]]
name = "y"
type = "const std::vector<double>&"
size = "n"
range = [0.5, 1.0]
"""
        + SIZES
    )
    wrong = src.replace("y[i] == 0.0 ? 0.0 : x[i] / y[i]", "x[i] / y[i]")
    assert run(make(tmp_path, src, base), wrong).passed  # random inputs never hold a zero
    (tmp_path / "p" / "problem.toml").unlink()
    p = make(tmp_path, src, base + "\n[[edge]]\nn = 3\nx = [1.0, 2.0, 3.0]\ny = [1.0, 0.0, 2.0]\n")
    assert p.edges[0].n == 3
    assert run(p, src).passed
    bad = run(p, wrong)
    assert bad.status is Status.WRONG_OUTPUT and "edge0" in bad.message


def test_edge_with_the_wrong_length_is_the_problems_fault(tmp_path):
    src = "#include <vector>\ndouble s(const std::vector<double>& x) { double t = 0; for (double v : x) t += v; return t; }\n"
    toml = (
        'function = "s"\nreturns = "double"\n[[args]]\nname = "x"\ntype = "const std::vector<double>&"\n'
        'size = "n"\n' + SIZES + "\n[[edge]]\nn = 4\nx = [1.0, 2.0]\n"
    )
    result = check_problem(make(tmp_path, src, toml))
    assert not result.ok and "'x' has 2 values" in result.message


def test_index_into_offsets_into_and_at_most(tmp_path):
    src = """void spmv(int rows, const int* row_ptr, const int* col, const double* val, const double* x,
          double* y, int k) {
    for (int r = 0; r < rows; ++r) {
        double s = 0;
        for (int j = row_ptr[r]; j < row_ptr[r + 1]; ++j) s += val[j] * x[col[j]];
        y[r] = s;
    }
    for (int i = 0; i < k; ++i) y[i] *= 2;
}
"""
    toml = (
        """function = "spmv"
[[args]]
name = "rows"
type = "int"
value = "n"
[[args]]
name = "row_ptr"
type = "const int*"
size = "n + 1"
offsets_into = "col"
[[args]]
name = "col"
type = "const int*"
size = "4 * n"
index_into = "x"
[[args]]
name = "val"
type = "const double*"
size = "4 * n"
[[args]]
name = "x"
type = "const double*"
size = "n + 2"
[[args]]
name = "y"
type = "double*"
size = "n"
[[args]]
name = "k"
type = "int"
range = [0, "n + 50"]
at_most = "n"
"""
        + SIZES
    )
    p = make(tmp_path, src, toml)
    assert check_problem(p).ok  # every generated index and offset is valid under ASan
    assert run(p, src).passed
    (tmp_path / "p" / "problem.toml").write_text(toml.replace('at_most = "n"\n', ""))
    found = check_problem(load_problem(tmp_path / "p"))
    assert not found.ok and "'y'" in found.message  # k above n: y[i] past the end
    (tmp_path / "p" / "problem.toml").write_text(
        toml.replace('index_into = "x"\n', "range = [0, 1000]\n")
    )
    found = check_problem(load_problem(tmp_path / "p"))
    assert not found.ok and "'x'" in found.message


def test_output_mask_compares_only_the_interior(tmp_path):
    src = (
        "void smooth(int n, const double* in, double* out) {\n"
        "    for (int i = 1; i + 1 < n; ++i) out[i] = (in[i - 1] + in[i] + in[i + 1]) / 3;\n}\n"
    )
    toml = (
        """function = "smooth"
[[args]]
name = "n"
type = "int"
value = "n"
[[args]]
name = "in"
type = "const double*"
size = "n"
[[args]]
name = "out"
type = "double*"
size = "n"
"""
        + SIZES
    )
    border = src.replace(
        "    for (int i = 1;", "    if (n > 1) { out[0] = 0; out[n - 1] = 0; }\n    for (int i = 1;"
    )
    plain = make(tmp_path, src, toml)
    assert run(plain, border).status is Status.WRONG_OUTPUT
    (tmp_path / "p" / "problem.toml").write_text(
        toml + '\n[compare.outputs.out]\nmask = "i > 0 && i + 1 < n"\n'
    )
    masked = load_problem(tmp_path / "p")
    assert run(masked, border).passed
    inner = run(masked, src.replace("/ 3;", "/ 3 + (i == 2);"))
    assert inner.status is Status.WRONG_OUTPUT


def test_tolerance_that_grows_with_n(tmp_path):
    src = "#include <vector>\ndouble total(const std::vector<double>& x) { double s = 0; for (double v : x) s += v; return s; }\n"
    noisy = src.replace("return s;", "return s * (1 + 1e-7 * x.size());")
    toml = (
        'function = "total"\nreturns = "double"\n[[args]]\nname = "x"\ntype = "const std::vector<double>&"\n'
        'size = "n"\nrange = [0.5, 1.0]\n' + SIZES + '[compare]\nrtol = "2e-7 * n"\natol = 0.0\n'
    )
    p = make(tmp_path, src, toml)
    assert p.compare.rtol_expr == "2e-7 * n" and p.compare.at(64).rtol == pytest.approx(64 * 2e-7)
    assert run(p, noisy).passed
    (tmp_path / "p" / "problem.toml").write_text(toml.replace("2e-7 * n", "2e-7"))
    assert run(load_problem(tmp_path / "p"), noisy).status is Status.WRONG_OUTPUT


def test_race_sizes_and_threads(tmp_path):
    src = (
        "#include <vector>\nvoid sq(std::vector<double>& x) {\n#pragma omp parallel for\n"
        "    for (std::size_t i = 0; i < x.size(); ++i) x[i] = x[i] * x[i];\n}\n"
    )
    toml = (
        'function = "sq"\n[[args]]\nname = "x"\ntype = "std::vector<double>&"\nsize = "n"\n'
        + SIZES
        + "[race]\nsizes = [37]\nthreads = [3]\n"
    )
    p = make(tmp_path, src, toml)
    assert (p.race_sizes, p.race_threads) == ((37,), (3,))
    v = run(p, src, VerifyOptions(timing=False, difftest_threads=(1,)))
    race = next(s for s in v.steps if s.step == "race")
    assert v.passed
    if not race.skipped:  # the detector ran where problem.toml says
        coverage = race.data["coverage"]
        assert 37 in coverage["sizes"] and coverage["threads"] == [3]


@pytest.mark.parametrize(("key", "value", "words"), [
    ("prelude", "3", "prelude"),
    ("defines", '["1X"]', "defines"),
    ("race", "{ sizes = [-1] }", "race.sizes"),
    ("edge", "[{ x = [1.0] }]", "edge[0].n"),
])  # fmt: skip
def test_malformed_new_keys_name_the_field(tmp_path, key, value, words):
    src = "#include <vector>\nvoid sq(std::vector<double>& x) { for (auto& v : x) v = v * v; }\n"
    toml = (
        f'function = "sq"\n{key} = {value}\n[[args]]\nname = "x"\ntype = "std::vector<double>&"\nsize = "n"\n'
        + SIZES
    )
    with pytest.raises(ProblemError, match=words.replace("[", r"\[").replace("]", r"\]")):
        make(tmp_path, src, toml)


def test_c_driver_keeps_the_toolchain_path_and_version():
    """A .c source compiles with the C driver of the same toolchain; the race step names
    clang++ by its installation path (with the bare name, `-std=c11` reached clang++)."""
    from parcodegen.tools.compile import c_driver

    assert c_driver("/usr/lib/llvm-14/bin/clang++") == "/usr/lib/llvm-14/bin/clang"
    assert [c_driver(c) for c in ("g++", "clang++-14", "g++-12", "icpx")] == [
        "gcc",
        "clang-14",
        "gcc-12",
        "icpx",
    ]
