#include <vector>

void batched_recurrence(const double* __restrict__ u, const double* __restrict__ c,
                        double* __restrict__ x, int n) {
  for (int b = 0; b < n; ++b) {
    x[b * 512] = u[b * 512];
    for (int t = 1; t < 512; ++t) x[b * 512 + t] = c[b] * x[b * 512 + t - 1] + u[b * 512 + t];
  }
}
