#include <vector>

void matmul_ijk(const double* __restrict__ A, const double* __restrict__ B,
                double* __restrict__ C, int n) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double s = 0.0;
      for (int k = 0; k < n; ++k) s += A[i * n + k] * B[k * n + j];
      C[i * n + j] = s;
    }
  }
}
