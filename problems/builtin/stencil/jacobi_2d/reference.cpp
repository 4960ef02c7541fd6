#include <vector>

void jacobi_2d(std::vector<double>& grid, int n, int steps) {
  std::vector<double> next(grid);
  for (int s = 0; s < steps; ++s) {
    for (int i = 1; i < n - 1; ++i) {
      for (int j = 1; j < n - 1; ++j) {
        const std::size_t c = static_cast<std::size_t>(i) * n + j;
        next[c] = 0.25 * (grid[c - n] + grid[c + n] + grid[c - 1] + grid[c + 1]);
      }
    }
    grid.swap(next);
  }
}
