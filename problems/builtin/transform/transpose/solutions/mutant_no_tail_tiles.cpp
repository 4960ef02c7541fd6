// expect: wrong_output
// Blocked transpose that only visits full 32 x 32 tiles: when n is not a
// multiple of 32 the last rows and columns are never written.
#include <vector>

void transpose(const std::vector<double>& a, std::vector<double>& b, int n) {
  const int B = 32;
#pragma omp parallel for schedule(static)
  for (int ii = 0; ii <= n - B; ii += B) {
    for (int jj = 0; jj <= n - B; jj += B) {
      for (int i = ii; i < ii + B; ++i) {
        for (int j = jj; j < jj + B; ++j) b[static_cast<std::size_t>(j) * n + i] = a[static_cast<std::size_t>(i) * n + j];
      }
    }
  }
}
