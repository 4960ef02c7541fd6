// expect: race
#include <cstddef>

#include "hooks.h"

// The pivot is kept in a variable shared by the team and every thread stores it: always
// the same value, but the stores race with each other and with the other threads' reads.
void lu_factor(Matrix& m) {
  const std::size_t n = m.n;
  std::vector<double>& a = m.a;
  double pivot = 0.0;
#pragma omp parallel
  for (std::size_t k = 0; k < n; ++k) {
    pivot = a[k * n + k];
#pragma omp for schedule(static)
    for (std::size_t i = k + 1; i < n; ++i) {
      const double l = a[i * n + k] / pivot;
      a[i * n + k] = l;
      for (std::size_t j = k + 1; j < n; ++j) a[i * n + j] -= l * a[k * n + j];
    }
  }
}
