#include <vector>

void rank1_update(double* __restrict__ A, const double* __restrict__ u,
                  const double* __restrict__ v, int n) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A[i * n + j] += u[i] * v[j];
}
