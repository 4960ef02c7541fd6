// expect: wrong_output
#include <cstddef>
#include <omp.h>

#include "hooks.h"

// Rows below the pivot split by hand into equal blocks; the remainder rows are skipped
// whenever their count is not a multiple of the thread count.
void lu_factor(Matrix& m) {
  const std::size_t n = m.n;
  std::vector<double>& a = m.a;
#pragma omp parallel
  {
    const std::size_t t = omp_get_thread_num();
    const std::size_t nt = omp_get_num_threads();
    for (std::size_t k = 0; k < n; ++k) {
      const double pivot = a[k * n + k];
      const std::size_t rows = n - k - 1;
      const std::size_t per = rows / nt;
      const std::size_t lo = k + 1 + t * per;
      for (std::size_t i = lo; i < lo + per; ++i) {
        const double l = a[i * n + k] / pivot;
        a[i * n + k] = l;
        for (std::size_t j = k + 1; j < n; ++j) a[i * n + j] -= l * a[k * n + j];
      }
#pragma omp barrier
    }
  }
}
