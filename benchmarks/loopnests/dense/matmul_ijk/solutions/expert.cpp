#include <vector>

// Rows of C split across threads; each row accumulated in k order (i-k-j), which keeps
// every element's sum in the serial order.
void matmul_ijk(const double* __restrict__ A, const double* __restrict__ B,
                double* __restrict__ C, int n) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i) {
    double* c = C + static_cast<long>(i) * n;
    for (int j = 0; j < n; ++j) c[j] = 0.0;
    for (int k = 0; k < n; ++k) {
      const double a = A[i * n + k];
      const double* b = B + static_cast<long>(k) * n;
      for (int j = 0; j < n; ++j) c[j] += a * b[j];
    }
  }
}
