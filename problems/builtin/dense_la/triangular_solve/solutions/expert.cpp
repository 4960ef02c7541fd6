#include <cstddef>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Row i depends on every earlier row, but the right-hand sides (columns) are independent:
// each thread runs the whole substitution on its own block of columns. Same operation
// order per entry as the serial code. The pointers and sizes are private copies and the
// row slices are marked __restrict, so the inner loop vectorizes as in the serial code.
void triangular_solve(const LowerMatrix& L, std::vector<double>& B, std::size_t dim) {
  const double* l = L.a.data();
  double* b = B.data();
#pragma omp parallel firstprivate(l, b, dim)
  {
    const std::size_t t = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t nt = static_cast<std::size_t>(omp_get_num_threads());
    const std::size_t c0 = dim * t / nt, c1 = dim * (t + 1) / nt;
    const std::size_t w = c1 - c0;
    for (std::size_t i = 0; i < dim; ++i) {
      double* __restrict xi = b + i * dim + c0;
      for (std::size_t j = 0; j < i; ++j) {
        const double lij = l[i * dim + j];
        const double* __restrict xj = b + j * dim + c0;
        for (std::size_t c = 0; c < w; ++c) xi[c] -= lij * xj[c];
      }
      const double d = l[i * dim + i];
      for (std::size_t c = 0; c < w; ++c) xi[c] /= d;
    }
  }
}
