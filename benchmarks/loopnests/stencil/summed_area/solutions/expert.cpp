#include <vector>

// Rows are independent in the first pass; in the second, each thread owns a band of
// columns and walks down all rows.
void summed_area(const double* __restrict__ img, double* __restrict__ s, int n) {
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (int i = 0; i < n; ++i) {
      s[i * n] = img[i * n];
      for (int j = 1; j < n; ++j) s[i * n + j] = s[i * n + j - 1] + img[i * n + j];
    }
    for (int i = 1; i < n; ++i) {
#pragma omp for schedule(static) nowait
      for (int j = 0; j < n; ++j) s[i * n + j] += s[(i - 1) * n + j];
    }
  }
}
