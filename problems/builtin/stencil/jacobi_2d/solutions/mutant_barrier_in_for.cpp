// expect: compile_error
// Puts a barrier inside the worksharing loop "to finish the step".
#include <utility>
#include <vector>

void jacobi_2d(std::vector<double>& grid, int n, int steps) {
  std::vector<double> next(grid);
#pragma omp parallel
  for (int s = 0; s < steps; ++s) {
#pragma omp for
    for (int i = 1; i < n - 1; ++i) {
      for (int j = 1; j < n - 1; ++j) {
        const std::size_t c = static_cast<std::size_t>(i) * n + j;
        next[c] = 0.25 * (grid[c - n] + grid[c + n] + grid[c - 1] + grid[c + 1]);
      }
#pragma omp barrier
    }
#pragma omp single
    grid.swap(next);
  }
}
