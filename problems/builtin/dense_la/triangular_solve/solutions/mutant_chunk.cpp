// expect: wrong_output
#include <cstddef>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Column blocks of dim / T columns: the last dim % T columns are never solved.
void triangular_solve(const LowerMatrix& L, std::vector<double>& B, std::size_t dim) {
#pragma omp parallel
  {
    const std::size_t t = omp_get_thread_num();
    const std::size_t per = dim / omp_get_num_threads();
    const std::size_t c0 = t * per, c1 = c0 + per;
    for (std::size_t i = 0; i < dim; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        const double lij = L.a[i * dim + j];
        for (std::size_t c = c0; c < c1; ++c) B[i * dim + c] -= lij * B[j * dim + c];
      }
      for (std::size_t c = c0; c < c1; ++c) B[i * dim + c] /= L.a[i * dim + i];
    }
  }
}
