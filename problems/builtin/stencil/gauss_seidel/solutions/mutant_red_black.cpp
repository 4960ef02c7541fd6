// expect: wrong_output
// The textbook parallel Gauss-Seidel: red-black ordering. It converges, but it
// visits the points in a different order than the lexicographic sweep asked
// for, so the values after a fixed number of sweeps differ.
#include <vector>

void gauss_seidel(std::vector<double>& u, const std::vector<double>& f, int n, int sweeps) {
  for (int s = 0; s < sweeps; ++s) {
    for (int color = 0; color < 2; ++color) {
#pragma omp parallel for schedule(static)
      for (int i = 1; i < n - 1; ++i) {
        for (int j = 1 + (i + color + 1) % 2; j < n - 1; j += 2) {
          const std::size_t c = static_cast<std::size_t>(i) * n + j;
          u[c] = 0.25 * (u[c - n] + u[c + n] + u[c - 1] + u[c + 1] + f[c]);
        }
      }
    }
  }
}
