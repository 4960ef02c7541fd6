#include <vector>

void fdtd_2d(double* __restrict__ ex, double* __restrict__ ey, double* __restrict__ hz,
             const double* __restrict__ src, int n, int steps) {
#pragma omp parallel
  for (int t = 0; t < steps; ++t) {
#pragma omp for schedule(static)
    for (int j = 0; j < n; ++j) ey[j] = src[t];
#pragma omp for schedule(static)
    for (int i = 1; i < n; ++i)
      for (int j = 0; j < n; ++j) ey[i * n + j] -= 0.5 * (hz[i * n + j] - hz[(i - 1) * n + j]);
#pragma omp for schedule(static)
    for (int i = 0; i < n; ++i)
      for (int j = 1; j < n; ++j) ex[i * n + j] -= 0.5 * (hz[i * n + j] - hz[i * n + j - 1]);
#pragma omp for schedule(static)
    for (int i = 0; i < n - 1; ++i)
      for (int j = 0; j < n - 1; ++j)
        hz[i * n + j] -= 0.7 * (ex[i * n + j + 1] - ex[i * n + j] + ey[(i + 1) * n + j] - ey[i * n + j]);
  }
}
