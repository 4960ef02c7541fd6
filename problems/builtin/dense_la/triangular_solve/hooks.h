#ifndef PCG_TRIANGULAR_SOLVE_HOOKS_H
#define PCG_TRIANGULAR_SOLVE_HOOKS_H
#include <cstddef>
#include <vector>

#include "parcodegen_harness.h"

// A dense n-by-n row-major lower-triangular matrix (the upper triangle is zero).
struct LowerMatrix {
  std::size_t n = 0;
  std::vector<double> a;
};
// Its fields, for stored inputs (parcodegen_harness.h: the same bytes to reference
// and candidate): f(field) for every field.
template <class F>
void pcg_fields(LowerMatrix& l, F&& f) {
  f(l.n);
  f(l.a);
}

// Unit-ish diagonal and small off-diagonal entries: forward substitution stays stable.
inline void make_lower(LowerMatrix& m, pcg::Rng& rng, std::size_t n, pcg::Pattern pattern) {
  m.n = n;
  m.a.assign(n * n, 0.0);
  const double scale = n > 0 ? 1.0 / static_cast<double>(n) : 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      double v = rng.uniform_real(-1.0, 1.0);
      if (pattern == pcg::Pattern::Extremes) v = v < 0 ? -1.0 : 1.0;
      if (pattern == pcg::Pattern::Constant) v = 0.5;
      m.a[i * n + j] = v * scale;
    }
    m.a[i * n + i] = 1.0 + rng.uniform_real(0.0, 1.0);
  }
}
#endif
