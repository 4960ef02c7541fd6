"""A const input of a hook type without `==` (the suite's Csr, Graph) is checked field by
field (the bytes `pcg_fields` stores): a candidate that uses the matrix's values as
scratch and leaves them changed fails. Before, such inputs were listed but never compared.
One that changes them and restores them before returning passed that comparison; it fails
now too: const inputs are read-only while the call runs (pcg_guarded_inputs.h), so the
write is seen (two callers sharing the matrix would have seen each other's reversal)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.difftest import difftest
from parcodegen.types import Status

from candidate_binary import candidate_binary

ROOT = Path(__file__).resolve().parents[2]
SPMV = ROOT / "problems" / "builtin" / "sparse_la" / "spmv"

HEAD = '#include <algorithm>\n#include <cstdint>\n#include <vector>\n#include "hooks.h"\n'

SCRATCH = (
    HEAD
    + """
void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  double* val = const_cast<double*>(A.val.data());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < (long)A.rows; ++i) {
    double s = 0.0;
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) { val[k] *= x[A.col[k]]; s += val[k]; }
    y[i] = s;
  }
}
"""
)

RESTORED = (
    HEAD
    + """
void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  auto& a = const_cast<Csr&>(A);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < (long)A.rows; ++i) {
    std::reverse(a.col.begin() + A.row_ptr[i], a.col.begin() + A.row_ptr[i + 1]);
    std::reverse(a.val.begin() + A.row_ptr[i], a.val.begin() + A.row_ptr[i + 1]);
    double s = 0.0;
    for (std::int64_t k = A.row_ptr[i + 1] - 1; k >= A.row_ptr[i]; --k) s += A.val[k] * x[A.col[k]];
    y[i] = s;
    std::reverse(a.col.begin() + A.row_ptr[i], a.col.begin() + A.row_ptr[i + 1]);
    std::reverse(a.val.begin() + A.row_ptr[i], a.val.begin() + A.row_ptr[i + 1]);
  }
}
"""
)


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(SPMV))


def test_hooked_const_input_left_changed_fails(build):
    step = difftest(build, candidate_binary(build, SCRATCH))
    assert not step.ok and step.status is Status.WRONG_OUTPUT
    assert "changed const input 'A'" in step.message, step.message


def test_hooked_const_input_restored_fails_as_written(build):
    step = difftest(build, candidate_binary(build, RESTORED))
    assert not step.ok and step.status is Status.WRONG_OUTPUT, step.message
    assert "written during the call, put back before it returned" in step.message


def test_hooked_const_input_read_only_passes(build):
    expert = (SPMV / "solutions" / "expert.cpp").read_text()
    step = difftest(build, candidate_binary(build, expert))
    assert step.ok, step.message
    assert any(name.startswith("A ") for name in step.data["coverage"]["const_inputs_checked"])
