"""The suite loader: finding the suite, `// expect:` declarations, problem selection."""

from __future__ import annotations

import re
import textwrap

import pytest

from parcodegen.errors import ConfigError, ProblemError, UnknownNameError
from parcodegen.problems import suite
from parcodegen.problems.suite import load_solutions, load_suite, parse_expect, suite_dir
from parcodegen.types import Status
from suite_toy import MY_CATEGORIES, make_problem

# ------------------------------------------------------------------ parse_expect


def test_parse_expect_single_status():
    assert parse_expect("// expect: race\n#include <x>\n") == (Status.RACE,)


def test_parse_expect_alternatives_keep_primary_first():
    got = parse_expect("//expect:  wrong_output | race  \nint x;")
    assert got == (Status.WRONG_OUTPUT, Status.RACE)


def test_parse_expect_only_reads_the_first_line():
    assert parse_expect("#include <vector>\n// expect: race\n") is None
    assert parse_expect("") is None


def test_parse_expect_unknown_status_suggests_close_name():
    with pytest.raises(
        ProblemError, match="unknown status 'wrong_ouput'.*did you mean 'wrong_output'"
    ):
        parse_expect("// expect: wrong_ouput\n", "p/solutions/m.cpp")


def test_parse_expect_rejects_infra_error():
    with pytest.raises(ProblemError, match="unknown status 'infra_error'"):
        parse_expect("// expect: infra_error\n")


# ------------------------------------------------------------------ solutions


def test_load_solutions_expert_first_then_sorted_mutants(tmp_path):
    d = make_problem(tmp_path, solutions={
        "mutant_b.cpp": "// expect: crash\n", "expert.cpp": "// the expert\n",
        "mutant_a.cpp": "// expect: timeout|crash\n", "notes.txt": "ignored",
    })  # fmt: skip
    sols = load_solutions(d)
    assert [s.name for s in sols] == ["expert.cpp", "mutant_a.cpp", "mutant_b.cpp"]
    assert sols[0].is_expert and sols[0].expected == (Status.PASS,)
    assert sols[1].primary is Status.TIMEOUT and sols[1].accepts(Status.CRASH)
    assert not sols[2].accepts(Status.PASS)


@pytest.mark.parametrize(
    "text, message",
    [
        ("int x;\n", "must declare its status"),
        ("// expect: pass\n", "cannot expect 'pass'"),
    ],
)
def test_bad_mutant_declarations_are_rejected(tmp_path, text, message):
    d = make_problem(tmp_path, solutions={"mutant_x.cpp": text})
    with pytest.raises(ProblemError, match=message):
        load_solutions(d)


def test_expert_must_expect_pass(tmp_path):
    d = make_problem(tmp_path, solutions={"expert.cpp": "// expect: race\n"})
    with pytest.raises(ProblemError, match="expert solution must expect 'pass'"):
        load_solutions(d)


# ------------------------------------------------------------------ suite directory


def test_builtin_suite_is_the_repository_directory(monkeypatch):
    monkeypatch.delenv(suite.SUITE_ENV, raising=False)
    assert suite_dir() == (suite.repo_root() / "problems" / "builtin").resolve()


def test_env_variable_overrides_the_builtin_suite(monkeypatch, tmp_path):
    make_problem(tmp_path)
    monkeypatch.setenv(suite.SUITE_ENV, str(tmp_path))
    problems = load_suite()
    assert [p.id for p in problems] == ["toy/scale"]
    monkeypatch.setenv(suite.SUITE_ENV, str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="not found"):
        suite_dir()


def test_a_directory_is_a_suite_and_unknown_names_are_errors(tmp_path):
    make_problem(tmp_path)
    assert [p.id for p in load_suite(str(tmp_path))] == ["toy/scale"]
    with pytest.raises(ConfigError, match="unknown suite 'nosuch'"):
        suite_dir("nosuch")


def test_selection_by_name_id_and_typos(tmp_path):
    make_problem(tmp_path, "scale")
    make_problem(tmp_path, "shift")
    root = str(tmp_path)
    assert [p.id for p in load_suite(root, problem="shift")] == ["toy/shift"]
    assert [p.id for p in load_suite(root, problem=["toy/shift", "scale"])] == [
        "toy/scale",
        "toy/shift",
    ]
    with pytest.raises(UnknownNameError, match="did you mean 'toy/scale'"):
        load_suite(root, problem="scael")
    with pytest.raises(UnknownNameError, match="did you mean 'toy'"):
        load_suite(root, category="tyo")


# ------------------------------------------------------------------ the built-in suite


@pytest.fixture(scope="module")
def builtin():
    return load_suite()


@pytest.mark.parametrize("category", MY_CATEGORIES)
def test_builtin_category_has_five_problems_each_with_expert_and_two_mutants(builtin, category):
    problems = [p for p in builtin if p.category == category]
    assert len(problems) >= 5
    for sp in problems:
        assert sp.id.startswith(category + "/")
        assert sp.expert is not None, sp.id
        assert len(sp.mutants) >= 2, sp.id
        assert sp.problem.description, sp.id
        assert 0 < sp.problem.bench_size


@pytest.mark.parametrize("category", MY_CATEGORIES)
def test_builtin_sources_follow_the_rules(builtin, category):
    for sp in (p for p in builtin if p.category == category):
        d = sp.problem.directory
        assert not re.search(r"\bint\s+main\s*\(", sp.problem.reference_code), sp.id
        hooks = d / "hooks.h"
        if hooks.exists():
            text = hooks.read_text()
            assert "#ifndef" in text and "#define" in text, f"{sp.id}: hooks.h needs include guards"
        # Mutants cover more than one failure kind across the category.
    kinds = {m.primary for sp in builtin if sp.category == category for m in sp.mutants}
    assert len(kinds) >= 2


def test_builtin_test_sizes_include_edge_cases(builtin):
    for sp in (p for p in builtin if p.category in MY_CATEGORIES):
        sizes = sp.problem.test_sizes
        assert min(sizes) <= 1, sp.id
        assert any(s % 2 == 1 and s > 1 for s in sizes), sp.id


def test_describe_is_json_ready(builtin):
    row = suite.describe(builtin[0])
    assert set(row) >= {"id", "category", "test_sizes", "bench_size", "solutions"}
    assert row["solutions"][0]["expert"] is True


def test_docs_example_of_expect_line_parses():
    doc = textwrap.dedent("""\
        // expect: wrong_output|race
        #include <vector>
    """)
    assert parse_expect(doc)[0] is Status.WRONG_OUTPUT
