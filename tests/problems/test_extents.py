"""Extents inferred from index expressions and loop bounds (no compiler: the analysis only)."""

from __future__ import annotations

import pytest

from parcodegen.problems.extents import Poly, analyze

CODE = """
#include <vector>
void mm(int n, const double* A, const double* B, double* C) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += A[i*n + k] * B[k*n + j];
      C[i*n + j] = s;
    }
}
void rect(int n, int m, const double* A, double* y) {
  for (int i = 0; i < n; ++i) for (int j = 0; j < m; ++j) y[i] += A[i*m + j];
}
void cube(int n, const float* u, float* v) {
  for (int i = 1; i < n - 1; ++i) for (int j = 1; j < n - 1; ++j) for (int k = 1; k < n - 1; ++k) {
    const int c = (i*n + j)*n + k;
    v[c] = u[c - n*n] + u[c + n*n];
  }
}
void tri(int n, const double* L, double* x) {
  for (int i = n - 1; i >= 0; --i) for (int j = 0; j <= i; j++) x[i] -= L[i*n + j];
}
void vla(int n, int m, const double A[n][m], double y[]) {
  for (int j = 0; j < m; j++) for (int i = 0; i < n; i++) y[j] += A[i][j];
}
void vla3(int nx, int ny, int nz, const double A[][ny][nz], double* y) {
  for (int i = 0; i < nx; i++) for (int j = 0; j < ny; j++) for (int k = 0; k < nz; k++) y[i] += A[i][j][k];
}
void alias(int n, int m, const double* in, double* out) {
  for (int i = 1; i + 1 < n; ++i) {
    const double* row = &in[i*m];
    const double* below = in + (i + 1)*m;
    for (int j = 0; j < m; ++j) out[i*m + j] = row[j] + below[j] + *(in + (i - 1)*m + j);
  }
}
void vec(const std::vector<double>& a, std::vector<double>& b) {
  const std::size_t n = a.size();
  for (std::size_t i = 0; i < n; ++i) for (std::size_t j = 0; j < n; ++j) b[i*n + j] = a[i]*a[j];
}
void gather(int n, const int* idx, const double* x, double* y) {
  for (int i = 0; i < n; ++i) y[i] = x[idx[i]];
}
void modulo(int n, const double* p, double* q) {
  for (int i = 0; i < n; ++i) q[i] = p[(i + 1) % n];
}
void pairs(const double* a, int na, const double* b, int nb, double* out) {
  for (int i = 0; i < na; ++i) out[i] = a[i];
  for (int j = 0; j < nb; ++j) out[na + j] = b[j];
}
"""


def extents(
    function: str, arrays: dict[str, tuple[str, ...]], free: set[str]
) -> dict[str, str | None]:
    a = analyze(CODE, function, arrays, free)
    return {k: (e.size.cxx() if e.size is not None else None) for k, e in a.extents.items()}


@pytest.mark.parametrize(
    ("function", "arrays", "free", "expected"),
    [
        ("mm", {"A": (), "B": (), "C": ()}, {"n"}, {"A": "n*n", "B": "n*n", "C": "n*n"}),
        ("rect", {"A": (), "y": ()}, {"n", "m"}, {"A": "m*n", "y": "n"}),
        ("tri", {"L": (), "x": ()}, {"n"}, {"L": "n*n", "x": "n"}),
        ("vla", {"A": ("n", "m"), "y": ("",)}, {"n", "m"}, {"A": "m*n", "y": "m"}),
        (
            "vla3",
            {"A": ("", "ny", "nz"), "y": ()},
            {"nx", "ny", "nz"},
            {"A": "nx*ny*nz", "y": "nx"},
        ),
        (
            "pairs",
            {"a": (), "b": (), "out": ()},
            {"na", "nb"},
            {"a": "na", "b": "nb", "out": "na + nb"},
        ),
    ],
)
def test_extents_from_index_expressions_and_loop_bounds(function, arrays, free, expected):
    assert extents(function, arrays, free) == expected


def test_three_d_stencil_through_a_local_index_and_the_rows_it_skips():
    got = extents("cube", {"u": (), "v": ()}, {"n"})
    # the code reaches (n-1)^3 - ... + 1 elements: the derivation rounds up to n*n*n
    assert got["u"] is not None and got["u"].startswith("n*n*n")


def test_pointer_aliases_and_dereferences_are_followed():
    got = extents("alias", {"in": (), "out": ()}, {"n", "m"})
    assert got["in"] == "m*n"  # `below[j]` at i = n-2 reaches (n-1)*m + m-1
    assert got["out"] is not None and got["out"].startswith("m*n")


def test_vector_sizes_are_symbols_of_their_own():
    got = extents("vec", {"a": (), "b": ()}, set())
    assert got == {"a": "#size:a", "b": "#size:a*#size:a"}


@pytest.mark.parametrize(("function", "array", "why"), [
    ("gather", "x", "not a polynomial"),
    ("modulo", "p", "not a polynomial"),
])  # fmt: skip
def test_what_cannot_be_read_stays_unknown_with_a_reason(function, array, why):
    a = analyze(CODE, function, {array: (), "y": (), "q": (), "idx": ()}, {"n"})
    assert a.extents[array].size is None and why in a.extents[array].reason


def test_loop_depth_counts_loops_over_sizes():
    assert analyze(CODE, "mm", {"A": (), "B": (), "C": ()}, {"n"}).loop_depth == 3
    assert analyze(CODE, "rect", {"A": (), "y": ()}, {"n", "m"}).loop_depth == 2


def test_polynomials():
    n, m = Poly.var("n"), Poly.var("m")
    p = (n - Poly.const(1)) * m + m
    assert p.cxx() == "m*n" and p.degree == 2
    assert (n * n - Poly.const(1)).subst("n", m + Poly.const(1)).cxx() == "m*m + 2*m"
