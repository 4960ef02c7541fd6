// problem: stencil/gauss_seidel
// class 3: `omp simd` on the in-place sweep's inner loop (u[c] reads u[c-1] written by the previous lane)
#include <cstddef>
#include <vector>
void gauss_seidel(std::vector<double>& u, const std::vector<double>& f, int n, int sweeps) {
  for (int s = 0; s < sweeps; ++s) {
    for (int i = 1; i < n - 1; ++i) {
      double* row = u.data() + (std::size_t)i * n;
      const double* up = row - n;
      const double* down = row + n;
      const double* fr = f.data() + (std::size_t)i * n;
#pragma omp simd
      for (int j = 1; j < n - 1; ++j) row[j] = 0.25 * (up[j] + down[j] + row[j - 1] + row[j + 1] + fr[j]);
    }
  }
}
