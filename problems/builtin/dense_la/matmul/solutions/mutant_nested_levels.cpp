// expect: race|wrong_output
// Environment: a nested path taken only when the runtime allows nested teams, with the
// row's accumulator shared by the inner team. The default (one active level) never takes
// it, so every run of the tests took the right path.
#include <cstddef>
#include <vector>
#include <omp.h>
void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
  const long d = (long)dim;
  if (omp_get_max_active_levels() > 1) {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < d; ++i) {
      double acc = 0.0;
#pragma omp parallel for schedule(static)
      for (long j = 0; j < d; ++j) {
        acc = 0.0;
        for (long k = 0; k < d; ++k) acc += A[i * d + k] * B[k * d + j];
        C[i * d + j] = acc;
      }
    }
    return;
  }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < d; ++i)
    for (long j = 0; j < d; ++j) {
      double s = 0.0;
      for (long k = 0; k < d; ++k) s += A[i * d + k] * B[k * d + j];
      C[i * d + j] = s;
    }
}
