#include <vector>

void bicg(const double* __restrict__ A, const double* __restrict__ r, const double* __restrict__ p,
          double* __restrict__ s, double* __restrict__ q, int n) {
  for (int j = 0; j < n; ++j) s[j] = 0.0;
  for (int i = 0; i < n; ++i) {
    q[i] = 0.0;
    for (int j = 0; j < n; ++j) {
      s[j] += r[i] * A[i * n + j];
      q[i] += A[i * n + j] * p[j];
    }
  }
}
