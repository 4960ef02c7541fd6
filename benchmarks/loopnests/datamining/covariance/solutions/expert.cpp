#include <vector>

void covariance(const double* __restrict__ data, double* __restrict__ cov, int n) {
  if (n < 2) return;
  std::vector<double> mean(n, 0.0);
  std::vector<double> d(data, data + n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) mean[j] += data[i * n + j];
  for (int j = 0; j < n; ++j) mean[j] /= n;
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) d[i * n + j] -= mean[j];
  // row i of the upper triangle has n-i entries: dynamic chunks balance it
#pragma omp parallel for schedule(dynamic, 2)
  for (int i = 0; i < n; ++i) {
    for (int j = i; j < n; ++j) {
      double s = 0.0;
      for (int k = 0; k < n; ++k) s += d[k * n + i] * d[k * n + j];
      cov[i * n + j] = s / (n - 1);
      cov[j * n + i] = cov[i * n + j];
    }
  }
}
