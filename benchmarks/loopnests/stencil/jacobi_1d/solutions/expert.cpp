#include <vector>

// One team for all steps; a barrier between the two sweeps of each step.
void jacobi_1d(double* __restrict__ a, int n, int steps) {
  std::vector<double> b(a, a + n);
#pragma omp parallel
  for (int t = 0; t < steps; ++t) {
#pragma omp for schedule(static)
    for (int i = 1; i < n - 1; ++i) b[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0;
#pragma omp for schedule(static)
    for (int i = 1; i < n - 1; ++i) a[i] = b[i];
  }
}
