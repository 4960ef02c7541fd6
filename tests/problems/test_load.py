import shutil
from pathlib import Path

import pytest

from parcodegen.cxxtypes import Kind, classify
from parcodegen.errors import ProblemError
from parcodegen.problems.load import load_problem


def test_examples_load(examples_dir):
    p = load_problem(examples_dir / "reduction")
    assert p.function == "gaussian_energy" and p.returns == "double"
    assert p.args[0].size == "n" and p.bench_size > max(p.test_sizes)
    assert p.signature == "double gaussian_energy(const std::vector<double>& x)"


@pytest.mark.parametrize(
    "ctype,kind,container",
    [
        ("const std::vector<double>&", Kind.ARRAY_IN, "vector"),
        ("std::vector<int> &", Kind.ARRAY_OUT, "vector"),
        ("std::vector<float>", Kind.ARRAY_IN, "vector"),
        ("const float*", Kind.ARRAY_IN, "pointer"),
        ("double *", Kind.ARRAY_OUT, "pointer"),
        ("std::size_t", Kind.SCALAR_IN, "scalar"),
        ("const int", Kind.SCALAR_IN, "scalar"),
        ("long long&", Kind.SCALAR_OUT, "scalar"),
        ("const Graph&", Kind.CUSTOM, "custom"),
        ("std::vector<bool>&", Kind.ARRAY_OUT, "vector"),
        ("std::vector<double> const&", Kind.ARRAY_IN, "vector"),
        ("std::vector<double>const &", Kind.ARRAY_IN, "vector"),
        ("double const* __restrict__", Kind.ARRAY_IN, "pointer"),
        ("double *restrict", Kind.ARRAY_OUT, "pointer"),
        ("double* const", Kind.ARRAY_OUT, "pointer"),
        ("const std::array<float, 16>&", Kind.ARRAY_IN, "array"),
        ("std::array<int,3>&", Kind.ARRAY_OUT, "array"),
        ("std::complex<double>", Kind.SCALAR_IN, "scalar"),
        ("std::complex<float>&", Kind.SCALAR_OUT, "scalar"),
        ("const std::vector<std::complex<double>>&", Kind.ARRAY_IN, "vector"),
        ("int const", Kind.SCALAR_IN, "scalar"),
        ("double**", Kind.CUSTOM, "custom"),
        ("std::vector<std::string>&", Kind.CUSTOM, "custom"),
    ],
)
def test_classify(ctype, kind, container):
    t = classify(ctype)
    assert (t.kind, t.container) == (kind, container)


def _problem(tmp_path: Path, toml: str, source: str = "double f(double x) { return x; }\n") -> Path:
    d = tmp_path / "p"
    d.mkdir()
    (d / "problem.toml").write_text(toml)
    (d / "reference.cpp").write_text(source)
    return d


GOOD = 'function = "f"\nreturns = "double"\n[[args]]\nname = "x"\ntype = "double"\n[sizes]\ntest = [1]\nbench = 10\n'


@pytest.mark.parametrize(
    "toml,field,words",
    [
        (GOOD.replace('function = "f"', ""), "function", "required"),
        (GOOD.replace('function = "f"', 'function = "g"'), "function", "not defined"),
        (
            GOOD.replace('returns = "double"', 'retruns = "double"'),
            "retruns",
            "did you mean 'returns'",
        ),
        (
            GOOD.replace('type = "double"', 'type = "const std::vector<double>&"'),
            "args[0].size",
            "required",
        ),
        (GOOD.replace('type = "double"', 'type = "const Graph&"'), "args[0].hook", "required"),
        (
            GOOD.replace('type = "double"', 'type = "double"\nrange = [3, 1]'),
            "args[0].range",
            "greater",
        ),
        (GOOD.replace("test = [1]", "test = [-1]"), "sizes.test[0]", "non-negative"),
        (GOOD.replace("bench = 10", ""), "sizes.bench", "positive integer"),
        (GOOD + 'patterns = ["random"]\n', "sizes.patterns", "before the first [table]"),
        (GOOD.replace('returns = "double"', 'returns = "Graph"'), "returns_hook", "required"),
        (GOOD + "[compare]\nrtol = -1\n", "compare.rtol", "non-negative"),
        (GOOD + "[compare.outputs.y]\nrtol = 1\n", "compare.outputs.y", "names no argument"),
        ("function = [", "problem.toml", "not valid TOML"),
    ],
)
def test_malformed_problems_name_the_field(tmp_path, toml, field, words):
    with pytest.raises(ProblemError) as info:
        load_problem(_problem(tmp_path, toml))
    assert field in str(info.value) and words in str(info.value)


def test_missing_directory_and_files(tmp_path):
    with pytest.raises(ProblemError, match="not a directory"):
        load_problem(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProblemError, match="no problem.toml"):
        load_problem(tmp_path / "empty")
    d = _problem(tmp_path, GOOD)
    (d / "reference.cpp").unlink()
    with pytest.raises(ProblemError, match="source"):
        load_problem(d)


def test_reference_that_does_not_compile_is_a_problem_error(tmp_path):
    from parcodegen.types import Candidate
    from parcodegen.verify.pipeline import VerifyOptions, verify

    d = _problem(tmp_path, GOOD, "double f(double x) { return x }\n")
    with pytest.raises(ProblemError, match="reference does not compile"):
        verify(
            load_problem(d),
            Candidate("double f(double x) { return x; }\n"),
            VerifyOptions(timing=False),
        )


def test_declared_types_that_do_not_match_the_harness(tmp_path):
    from parcodegen.types import Candidate
    from parcodegen.verify.pipeline import VerifyOptions, verify

    toml = GOOD.replace('type = "double"', 'type = "const Foo&"\nhook = "foo"')
    d = _problem(tmp_path, toml)
    (d / "hooks.h").write_text("struct Foo {};\n")  # no make_foo: the harness cannot compile
    with pytest.raises(ProblemError, match="harness"):
        verify(
            load_problem(d),
            Candidate("double f(double x) { return x; }\n"),
            VerifyOptions(timing=False),
        )


def test_copy_of_example_is_independent(tmp_path, examples_dir):
    shutil.copytree(examples_dir / "histogram", tmp_path / "h")
    p = load_problem(tmp_path / "h")
    assert p.patterns == ("random", "sorted", "constant", "extremes")
