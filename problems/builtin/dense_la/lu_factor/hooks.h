#ifndef PCG_LU_FACTOR_HOOKS_H
#define PCG_LU_FACTOR_HOOKS_H
#include <cstddef>
#include <vector>

#include "parcodegen_harness.h"

// A dense n-by-n row-major matrix.
struct Matrix {
  std::size_t n = 0;
  std::vector<double> a;
};
// Its fields, for stored inputs (parcodegen_harness.h: the same bytes to reference
// and candidate): f(field) for every field.
template <class F>
void pcg_fields(Matrix& m, F&& f) {
  f(m.n);
  f(m.a);
}

// Strictly diagonally dominant, so LU without pivoting is stable.
inline void make_matrix(Matrix& m, pcg::Rng& rng, std::size_t n, pcg::Pattern pattern) {
  m.n = n;
  m.a.assign(n * n, 0.0);
  const double c = rng.uniform_real(-1.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double v = pattern == pcg::Pattern::Constant ? c : rng.uniform_real(-1.0, 1.0);
      if (pattern == pcg::Pattern::Extremes) v = v < 0 ? -1.0 : 1.0;
      m.a[i * n + j] = v;
    }
    m.a[i * n + i] = static_cast<double>(n) + 1.0 + rng.uniform_real(0.0, 1.0);
  }
}

inline void emit_matrix(const Matrix& m, pcg::Out& out, const char* name) {
  out.put(name, m.a);
}
#endif
