#include <vector>

void heat_3d(double* __restrict__ A, int n, int steps) {
  std::vector<double> B(A, A + n * n * n);
  for (int t = 0; t < steps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k) {
          const int c = (i * n + j) * n + k;
          B[c] = A[c] + 0.125 * (A[c + n * n] - 2.0 * A[c] + A[c - n * n]) +
                 0.125 * (A[c + n] - 2.0 * A[c] + A[c - n]) +
                 0.125 * (A[c + 1] - 2.0 * A[c] + A[c - 1]);
        }
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k) {
          const int c = (i * n + j) * n + k;
          A[c] = B[c] + 0.125 * (B[c + n * n] - 2.0 * B[c] + B[c - n * n]) +
                 0.125 * (B[c + n] - 2.0 * B[c] + B[c - n]) +
                 0.125 * (B[c + 1] - 2.0 * B[c] + B[c - 1]);
        }
  }
}
