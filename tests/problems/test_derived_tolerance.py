"""Derived tolerances for single-precision outputs allow a reordered float sum (a
parallel reduction) and still reject a lost term."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.derive import derive_problem
from parcodegen.types import Candidate, Status
from parcodegen.verify.pipeline import VerifyOptions, verify

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "correct_derived"
FAST = VerifyOptions(timing=False, race=False)


@pytest.fixture(scope="module")
def column_stats(tmp_path_factory):
    out = tmp_path_factory.mktemp("derived")
    return derive_problem(ROOT / "examples" / "kernels" / "column_stats.c", "column_stats",
                          out).problem  # fmt: skip


def test_single_precision_tolerance_grows_with_n(column_stats):
    spec = column_stats.compare
    assert spec.rtol_expr and "sqrt(n" in spec.rtol_expr and spec.atol_expr
    # 4 partial sums against one: 1.4e-6 relative at n = 1000, 2.5e-5 at 256000
    assert spec.at(7).rtol < 5e-5 and spec.at(1000).rtol > 1e-4 and spec.at(256000).rtol > 1e-3


def test_a_float_reduction_in_another_order_passes(column_stats):
    # mean[j] summed per thread and combined: 1.4e-6 relative from the serial order at
    # n = 33, which the old fixed rtol 1e-6 / atol 1e-9 called a wrong output
    code = (FIXTURES / "column_stats_rows.c").read_text()
    v = verify(column_stats, Candidate(code), FAST)
    assert v.status is Status.PASS, v.message


def test_a_lost_row_is_still_a_wrong_output(column_stats):
    code = (FIXTURES / "column_stats_rows_lost_row.c").read_text()
    v = verify(column_stats, Candidate(code), FAST)
    assert v.status is Status.WRONG_OUTPUT and "n=1000" in v.message, v.message
