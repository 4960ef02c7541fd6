#include <cmath>
#include <cstddef>
#include <vector>

void arc_length(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& s) {
  const std::size_t n = x.size();
  if (n == 0) return;
  s[0] = 0.0;
  for (std::size_t i = 1; i < n; ++i) s[i] = s[i - 1] + std::hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
}
