#include <vector>

// Row i reads rows below i before they are rewritten, so rows stay in order; each column
// j is independent: columns outside in parallel, rows inside in the serial order.
void trmm_upper(const double* __restrict__ A, double* __restrict__ B, int n, double alpha) {
#pragma omp parallel for schedule(static)
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      double s = B[i * n + j];
      for (int k = i + 1; k < n; ++k) s += A[k * n + i] * B[k * n + j];
      B[i * n + j] = alpha * s;
    }
  }
}
