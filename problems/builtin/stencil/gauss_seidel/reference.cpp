#include <vector>

void gauss_seidel(std::vector<double>& u, const std::vector<double>& f, int n, int sweeps) {
  for (int s = 0; s < sweeps; ++s) {
    for (int i = 1; i < n - 1; ++i) {
      for (int j = 1; j < n - 1; ++j) {
        const std::size_t c = static_cast<std::size_t>(i) * n + j;
        u[c] = 0.25 * (u[c - n] + u[c + n] + u[c - 1] + u[c + 1] + f[c]);
      }
    }
  }
}
