#include <vector>

void matmul_kij(const double* __restrict__ A, const double* __restrict__ B,
                double* __restrict__ C, int n) {
  for (int p = 0; p < n * n; ++p) C[p] = 0.0;
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) C[i * n + j] += A[i * n + k] * B[k * n + j];
}
