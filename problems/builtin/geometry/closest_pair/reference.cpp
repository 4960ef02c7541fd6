#include <cstddef>
#include <vector>

double closest_pair(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2) return -1.0;
  double best = -1.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      const double d = dx * dx + dy * dy;
      if (best < 0.0 || d < best) best = d;
    }
  }
  return best;
}
