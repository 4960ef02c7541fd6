#include <vector>

void trmm_upper(const double* __restrict__ A, double* __restrict__ B, int n, double alpha) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double s = B[i * n + j];
      for (int k = i + 1; k < n; ++k) s += A[k * n + i] * B[k * n + j];
      B[i * n + j] = alpha * s;
    }
  }
}
