#include <vector>

void jacobi_2d_pair(double* __restrict__ a, int n, int steps) {
  std::vector<double> b(a, a + n * n);
#pragma omp parallel
  for (int t = 0; t < steps; ++t) {
#pragma omp for schedule(static)
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        b[i * n + j] = 0.2 * (a[i * n + j] + a[i * n + j - 1] + a[i * n + j + 1] +
                              a[(i - 1) * n + j] + a[(i + 1) * n + j]);
#pragma omp for schedule(static)
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        a[i * n + j] = 0.2 * (b[i * n + j] + b[i * n + j - 1] + b[i * n + j + 1] +
                              b[(i - 1) * n + j] + b[(i + 1) * n + j]);
  }
}
