// expect: wrong_output
#include <cstddef>
#include <limits>
#include <vector>

// Off by one: the inner loop starts at j = i, so every point is paired with itself.
double closest_pair(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2) return -1.0;
  double best = std::numeric_limits<double>::infinity();
#pragma omp parallel for schedule(dynamic, 32) reduction(min : best)
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      const double d = dx * dx + dy * dy;
      if (d < best) best = d;
    }
  }
  return best;
}
