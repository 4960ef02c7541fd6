#include <cmath>
#include <vector>

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t i = 0; i < r.size(); ++i) {
    x[i] = r[i] * std::cos(theta[i]);
    y[i] = r[i] * std::sin(theta[i]);
  }
}
