#include <vector>

// Each thread accumulates its block of rows into a private y, then the partial vectors
// are added (rows stream in memory order).
void matvec_cols(const double* __restrict__ A, const double* __restrict__ x,
                 double* __restrict__ y, int n) {
  for (int j = 0; j < n; ++j) y[j] = 0.0;
#pragma omp parallel
  {
    std::vector<double> part(n, 0.0);
#pragma omp for schedule(static) nowait
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) part[j] += A[i * n + j] * x[i];
#pragma omp critical
    for (int j = 0; j < n; ++j) y[j] += part[j];
  }
}
