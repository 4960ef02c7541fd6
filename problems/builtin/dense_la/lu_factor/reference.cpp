#include <cstddef>

#include "hooks.h"

void lu_factor(Matrix& m) {
  const std::size_t n = m.n;
  std::vector<double>& a = m.a;
  for (std::size_t k = 0; k < n; ++k) {
    const double pivot = a[k * n + k];
    for (std::size_t i = k + 1; i < n; ++i) {
      const double l = a[i * n + k] / pivot;
      a[i * n + k] = l;
      for (std::size_t j = k + 1; j < n; ++j) a[i * n + j] -= l * a[k * n + j];
    }
  }
}
