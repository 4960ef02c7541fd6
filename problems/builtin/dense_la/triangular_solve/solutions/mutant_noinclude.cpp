// expect: compile_error
#include <cstddef>
#include <vector>

#include "hooks.h"

// Uses the OpenMP runtime API without including <omp.h>.
void triangular_solve(const LowerMatrix& L, std::vector<double>& B, std::size_t dim) {
#pragma omp parallel
  {
    const std::size_t t = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t nt = static_cast<std::size_t>(omp_get_num_threads());
    const std::size_t c0 = dim * t / nt, c1 = dim * (t + 1) / nt;
    for (std::size_t i = 0; i < dim; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        const double lij = L.a[i * dim + j];
        for (std::size_t c = c0; c < c1; ++c) B[i * dim + c] -= lij * B[j * dim + c];
      }
      for (std::size_t c = c0; c < c1; ++c) B[i * dim + c] /= L.a[i * dim + i];
    }
  }
}
