#include <cstddef>

#include "hooks.h"

// The k steps depend on each other; within a step the rows below the pivot are
// independent. One parallel region, a work-shared row loop per step (its implicit barrier
// orders the steps); the update order of every entry is the serial one.
void lu_factor(Matrix& m) {
  const std::size_t n = m.n;
  double* a = m.a.data();
#pragma omp parallel
  for (std::size_t k = 0; k < n; ++k) {
    const double pivot = a[k * n + k];
    const double* rk = a + k * n;
#pragma omp for schedule(static)
    for (std::size_t i = k + 1; i < n; ++i) {
      double* ri = a + i * n;
      const double l = ri[k] / pivot;
      ri[k] = l;
#pragma omp simd
      for (std::size_t j = k + 1; j < n; ++j) ri[j] -= l * rk[j];
    }
  }
}
