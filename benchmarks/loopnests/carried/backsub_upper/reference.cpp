#include <vector>

void backsub_upper(const double* __restrict__ U, const double* __restrict__ b,
                   double* __restrict__ x, int n) {
  for (int i = n - 1; i >= 0; --i) {
    double s = b[i];
    for (int j = i + 1; j < n; ++j) s -= U[i * n + j] * x[j];
    x[i] = s / (1.0 + U[i * n + i]);
  }
}
