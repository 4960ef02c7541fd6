#include <cmath>
#include <vector>

void nbody_accel(const std::vector<double>& px, const std::vector<double>& py,
                 const std::vector<double>& m, std::vector<double>& ax, std::vector<double>& ay,
                 int n) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i) {
    double sx = 0.0, sy = 0.0;
    for (int j = 0; j < n; ++j) {
      const double dx = px[j] - px[i], dy = py[j] - py[i];
      const double r2 = dx * dx + dy * dy + 1e-3;
      const double inv = m[j] / (r2 * std::sqrt(r2));
      sx += dx * inv;
      sy += dy * inv;
    }
    ax[i] = sx;
    ay[i] = sy;
  }
}
