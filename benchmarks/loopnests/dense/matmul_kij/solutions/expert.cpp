#include <vector>

// The k loop carries every C element; rows (i) are independent: i outside, k inside.
void matmul_kij(const double* __restrict__ A, const double* __restrict__ B,
                double* __restrict__ C, int n) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) C[i * n + j] = 0.0;
    for (int k = 0; k < n; ++k) {
      const double a = A[i * n + k];
      for (int j = 0; j < n; ++j) C[i * n + j] += a * B[k * n + j];
    }
  }
}
