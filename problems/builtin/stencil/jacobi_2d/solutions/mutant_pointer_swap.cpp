// expect: wrong_output
// Double buffering without a copy per step: each step reads `cur` and writes `nxt`, then
// the two pointers swap. After an even number of steps the result is back in the grid;
// after an odd number it is left in the scratch buffer, which nobody copies back. Right
// for the problem's 10 steps, wrong for 11 (or 1).
#include <utility>
#include <vector>

void jacobi_2d(std::vector<double>& grid, int n, int steps) {
  if (n < 3) return;
  std::vector<double> scratch(grid);  // the boundary is in both buffers from the start
  double* cur = grid.data();
  double* nxt = scratch.data();
  const long w = n;
  for (int s = 0; s < steps; ++s) {
#pragma omp parallel for schedule(static)
    for (long i = 1; i < w - 1; ++i) {
      const double* up = cur + (i - 1) * w;
      const double* row = cur + i * w;
      const double* down = cur + (i + 1) * w;
      double* out = nxt + i * w;
      for (long j = 1; j < w - 1; ++j) out[j] = 0.25 * (up[j] + down[j] + row[j - 1] + row[j + 1]);
    }
    std::swap(cur, nxt);
  }
}
