#include <utility>
#include <vector>

// One parallel region for all steps: each step is a worksharing loop over rows
// (its implicit barrier separates the steps), and every thread swaps its own
// copy of the two buffer pointers, so no extra synchronization is needed.
void jacobi_2d(std::vector<double>& grid, int n, int steps) {
  if (n < 3 || steps <= 0) return;
  std::vector<double> other(grid);
  const long w = n;
#pragma omp parallel
  {
    double* cur = grid.data();
    double* nxt = other.data();
    for (int s = 0; s < steps; ++s) {
#pragma omp for schedule(static)
      for (long i = 1; i < w - 1; ++i) {
        const double* up = cur + (i - 1) * w;
        const double* row = cur + i * w;
        const double* down = cur + (i + 1) * w;
        double* o = nxt + i * w;
        for (long j = 1; j < w - 1; ++j) o[j] = 0.25 * (up[j] + down[j] + row[j - 1] + row[j + 1]);
      }
      std::swap(cur, nxt);
    }
  }
  if (steps % 2 == 1) grid.swap(other);
}
