"""The built-in problems of the reduce, scan, search, sort, stencil and transform
categories: their shape (fast), and that every solution gets its declared verdict
(slow: it compiles and runs every expert and mutant).
"""

from __future__ import annotations

import re

import pytest

from parcodegen.problems.suite import load_suite
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, verify

CORE_CATEGORIES = ("reduce", "scan", "search", "sort", "stencil", "transform")


@pytest.fixture(scope="module")
def core():
    return [sp for sp in load_suite() if sp.category in CORE_CATEGORIES]


def test_every_core_category_has_five_problems(core):
    for category in CORE_CATEGORIES:
        ids = [sp.id for sp in core if sp.category == category]
        assert len(ids) >= 5, (category, ids)
        assert all(i.startswith(category + "/") for i in ids)


def test_each_problem_has_an_expert_and_two_declared_mutants(core):
    for sp in core:
        assert sp.expert is not None, sp.id
        assert len(sp.mutants) >= 2, sp.id
        for m in sp.mutants:
            assert m.primary not in (Status.PASS, Status.INFRA_ERROR), (sp.id, m.name)
        assert sp.problem.description.strip(), sp.id


def test_references_are_functions_not_programs(core):
    for sp in core:
        code = sp.problem.reference_code
        assert not re.search(r"\bint\s+main\s*\(", code), sp.id
        assert not re.search(r"#\s*pragma\s+omp|<omp\.h>", code), (
            f"{sp.id}: the reference must be serial"
        )


def test_test_sizes_hold_edge_cases_and_stay_small(core):
    for sp in core:
        sizes = sp.problem.test_sizes
        assert min(sizes) <= 1, sp.id
        assert any(s > 1 and s % 2 == 1 for s in sizes), f"{sp.id}: needs an odd size"
        assert sp.problem.bench_size > max(sizes), sp.id


def test_integer_outputs_are_compared_exactly_and_float_tolerances_are_tight(core):
    for sp in core:
        c = sp.problem.compare
        assert c.rtol <= 1e-6, sp.id
        assert c.atol <= 1e-9, sp.id


def test_mutants_cover_every_failure_kind(core):
    kinds = {m.primary for sp in core for m in sp.mutants}
    assert kinds >= {
        Status.WRONG_OUTPUT,
        Status.RACE,
        Status.INTERFACE_MISMATCH,
        Status.COMPILE_ERROR,
        Status.TIMEOUT,
        Status.CRASH,
    }


# A data race is one defect that shows either way: as a wrong output when difftest's
# threads happen to lose an update, else as the race step's report; or, where the race
# build cannot check it (Archer crashing on `teams`), as unchecked. Those are the only
# alternatives the core categories allow.
RACE_ALTERNATIVES = (
    frozenset({Status.RACE, Status.WRONG_OUTPUT}),
    frozenset({Status.RACE, Status.UNCHECKED}),
)


def test_mutants_are_deterministic_declarations(core):
    for sp in core:
        for m in sp.mutants:
            assert len(m.expected) == 1 or frozenset(m.expected) in RACE_ALTERNATIVES, (
                sp.id,
                m.name,
            )


def _solution_cases():
    try:
        suite = load_suite()
    except Exception:  # pragma: no cover - reported by the fast tests above
        return []
    cases = []
    for sp in suite:
        if sp.category in CORE_CATEGORIES:
            for sol in sp.solutions:
                cases.append(pytest.param(sp, sol, id=f"{sp.id}/{sol.name}"))
    return cases


@pytest.mark.slow
@pytest.mark.parametrize(("sp", "sol"), _solution_cases())
def test_solution_gets_its_declared_status(sp, sol):
    verdict = verify(sp.problem, Candidate(code=sol.path.read_text()), VerifyOptions(timing=False))
    if sol.is_expert:
        assert verdict.status is Status.PASS, verdict.message
    else:
        assert sol.accepts(verdict.status), (
            f"expected {sol.expected}, got {verdict.status}: {verdict.message}"
        )
