#include <vector>

void trmv_lower(const double* __restrict__ L, const double* __restrict__ x,
                double* __restrict__ y, int n) {
#pragma omp parallel for schedule(guided)
  for (int i = 0; i < n; ++i) {
    double s = 0.0;
    for (int j = 0; j <= i; ++j) s += L[i * n + j] * x[j];
    y[i] = s;
  }
}
