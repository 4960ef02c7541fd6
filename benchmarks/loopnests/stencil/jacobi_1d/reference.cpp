#include <vector>

void jacobi_1d(double* __restrict__ a, int n, int steps) {
  std::vector<double> b(a, a + n);
  for (int t = 0; t < steps; ++t) {
    for (int i = 1; i < n - 1; ++i) b[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0;
    for (int i = 1; i < n - 1; ++i) a[i] = b[i];
  }
}
