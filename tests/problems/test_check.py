"""The reference under AddressSanitizer + UBSan: findings name the argument, the line and
the index expression, however far the access lands; a derivation that would be wrong is
refused before any model is called."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.errors import ProblemError
from parcodegen.problems.check import check_problem
from parcodegen.problems.derive import derive_problem
from parcodegen.problems.load import load_problem

TOML = """function = "f"
[[args]]
name = "n"
type = "int"
value = "n"
[[args]]
name = "a"
type = "const double*"
size = "{size}"
[[args]]
name = "b"
type = "double*"
size = "n"
[sizes]
test = [0, 3, 40]
bench = 100
"""


def problem(tmp_path: Path, body: str, size: str = "n", name: str = "reference.cpp"):
    d = tmp_path / "p"
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text("void f(int n, const double* a, double* b) {\n" + body + "\n}\n")
    (d / "problem.toml").write_text(
        TOML.format(size=size).replace('function = "f"', f'function = "f"\nsource = "{name}"')
    )
    return load_problem(d)


@pytest.mark.parametrize(("body", "size", "expr", "where"), [
    # far past the end: the guard pages catch what a redzone would miss
    ("for (int i = 0; i < n; ++i) b[i] = a[i * n];", "n", "a[i * n]", "past the end of 'a'"),
    # the reverse walk faults first at the far end
    ("for (int i = n - 1; i >= 0; --i) for (int j = 0; j < n; ++j) b[i] += a[i * n + j];", "n",
     "a[i * n + j]", "past the end of 'a'"),
    ("for (int i = 0; i < n; ++i) b[i] = a[i - 1];", "n", "a[i - 1]", "before the start of 'a'"),
])  # fmt: skip
def test_out_of_bounds_names_argument_expression_and_input(tmp_path, body, size, expr, where):
    result = check_problem(problem(tmp_path, body, size))
    assert not result.ok
    f = result.findings[0]
    assert f.kind == "out_of_bounds" and f.argument == "a" and f.expression == expr
    assert (
        where in result.message and "reference.cpp:2" in result.message and "n=" in result.message
    )


def test_clean_reference_in_c_and_cpp(tmp_path):
    body = "for (int i = 0; i < n; ++i) for (int j = 0; j < n; ++j) b[i] += a[i * n + j];"
    assert check_problem(problem(tmp_path, body, "n*n")).ok
    assert check_problem(problem(tmp_path / "c", body, "n*n", "reference.c")).ok


def test_vector_overflow_is_caught_by_bounds_checked_indexing(tmp_path):
    d = tmp_path / "v"
    d.mkdir()
    (d / "reference.cpp").write_text(
        "#include <vector>\nvoid g(const std::vector<double>& x, std::vector<double>& y) {\n"
        "    for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] + x[i + 1];\n}\n"
    )
    (d / "problem.toml").write_text(
        'function = "g"\n[[args]]\nname = "x"\ntype = "const std::vector<double>&"\n'
        'size = "n"\n[[args]]\nname = "y"\ntype = "std::vector<double>&"\nsize = "n"\n'
        "[sizes]\ntest = [4]\nbench = 10\n"
    )
    result = check_problem(load_problem(d))
    assert not result.ok and result.findings[0].argument == "x" and "x[i + 1]" in result.message


def test_signed_overflow_is_undefined_behaviour(tmp_path):
    d = tmp_path / "u"
    d.mkdir()
    (d / "reference.cpp").write_text(
        "int h(int k) {\n    int s = 2147483600;\n    return s + k * 1000;\n}\n"
    )
    (d / "problem.toml").write_text(
        'function = "h"\nreturns = "int"\n[[args]]\nname = "k"\ntype = "int"\n'
        "range = [5, 9]\n[sizes]\ntest = [1]\nbench = 10\n"
    )
    result = check_problem(load_problem(d))
    assert not result.ok and result.findings[0].kind == "undefined" and "overflow" in result.message


def test_a_derivation_the_sanitizers_contradict_is_refused(tmp_path):
    src = tmp_path / "odd.cpp"
    # the loop bound says n, the data-dependent index reads further: no guess can be right
    src.write_text(
        "void odd(int n, const int* idx, const double* x, double* y) {\n"
        "    for (int i = 0; i < n; ++i) y[i] = x[idx[i] * 7];\n}\n"
    )
    with pytest.raises(ProblemError) as err:
        derive_problem(src, "odd", tmp_path / "out")
    text = str(err.value)
    assert "derived problem is wrong" in text and "'x'" in text and "x[idx[i] * 7]" in text


def test_problem_init_and_check_cli(tmp_path, capsys):
    src = tmp_path / "k.c"
    src.write_text(
        "void k(int n, int m, const double A[n][m], double *restrict y) {\n"
        "    for (int i = 0; i < n; i++) { y[i] = 0; for (int j = 0; j < m; j++) y[i] += SCALE * A[i][j]; }\n}\n"
    )
    out = tmp_path / "prob"
    assert (
        main(["problem", "init", str(src), "--function", "k", "-o", str(out), "-D", "SCALE=2"]) == 0
    )
    text = (out / "problem.toml").read_text()
    assert main(["problem", "init", str(src), "--function", "k", "-o", str(out)]) == 2  # kept
    assert 'size = "m*n"' in text and "# 'A' has m*n elements: declared `A[n][m]`" in text
    assert 'defines = ["SCALE=2"]' in text  # the macro the code needs, for every compile
    printed = capsys.readouterr().out
    assert "ran clean" in printed
    assert main(["problem", "check", str(out)]) == 0
    (out / "problem.toml").write_text(text.replace('size = "m*n"', 'size = "n"'))
    assert main(["problem", "check", str(out)]) == 1
    assert "past the end of 'A'" in capsys.readouterr().out
    (out / "problem.toml").write_text(text.replace('size = "m*n"', 'sise = "n"'))
    assert main(["problem", "check", str(out)]) == 2  # malformed: one line, exit 2
