// expect: race
// Rows of C split across threads (race-free), reading B from a 64-byte aligned copy for
// aligned SIMD loads. The copy is shared, but every thread makes all of it with std::copy
// (the split of the copy across the team was forgotten) and there is no barrier before
// the rows read it: every thread writes the same values to the same elements while the
// others write and read them. The outputs are right, at every size. The race is in
// memmove (std::copy of doubles), which the race build's TSan, run with
// ignore_noninstrumented_modules=1, does not report.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <vector>

void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
  const double* a = A.data();
  double* c = C.data();
  const std::size_t count = dim * dim;
  const std::size_t bytes = (count * sizeof(double) + 63) / 64 * 64;
  double* b = static_cast<double*>(std::aligned_alloc(64, bytes > 0 ? bytes : 64));
#pragma omp parallel
  {
    std::copy(B.data(), B.data() + count, b);
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < dim; ++i) {
      double* ci = c + i * dim;
      for (std::size_t j = 0; j < dim; ++j) ci[j] = 0.0;
      for (std::size_t k = 0; k < dim; ++k) {
        const double aik = a[i * dim + k];
        const double* bk = b + k * dim;
#pragma omp simd
        for (std::size_t j = 0; j < dim; ++j) ci[j] += aik * bk[j];
      }
    }
  }
  std::free(b);
}
