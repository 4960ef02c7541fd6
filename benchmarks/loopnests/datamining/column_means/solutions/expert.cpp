#include <vector>

void column_means(const double* __restrict__ data, double* __restrict__ mean, int n) {
  for (int j = 0; j < n; ++j) mean[j] = 0.0;
  if (n == 0) return;  // an empty array section of a null pointer crashes libgomp
  double* m = mean;
#pragma omp parallel for reduction(+ : m[:n]) schedule(static)
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) m[j] += data[i * n + j];
  for (int j = 0; j < n; ++j) mean[j] /= n;
}
