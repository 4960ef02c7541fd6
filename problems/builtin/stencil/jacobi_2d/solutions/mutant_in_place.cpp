// expect: wrong_output
// Saves the second buffer by updating the grid in place: points then read
// neighbors already updated in this step (Gauss-Seidel, not Jacobi).
#include <vector>

void jacobi_2d(std::vector<double>& grid, int n, int steps) {
  for (int s = 0; s < steps; ++s) {
#pragma omp parallel for schedule(static)
    for (int i = 1; i < n - 1; ++i) {
      for (int j = 1; j < n - 1; ++j) {
        const std::size_t c = static_cast<std::size_t>(i) * n + j;
        grid[c] = 0.25 * (grid[c - n] + grid[c + n] + grid[c - 1] + grid[c + 1]);
      }
    }
  }
}
