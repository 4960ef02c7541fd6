#include <vector>

void matvec_cols(const double* __restrict__ A, const double* __restrict__ x,
                 double* __restrict__ y, int n) {
  for (int j = 0; j < n; ++j) y[j] = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) y[j] += A[i * n + j] * x[i];
}
