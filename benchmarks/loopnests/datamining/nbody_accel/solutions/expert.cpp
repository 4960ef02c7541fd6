#include <cmath>
#include <vector>

void nbody_accel(const double* __restrict__ px, const double* __restrict__ py,
                 const double* __restrict__ m, double* __restrict__ ax, double* __restrict__ ay,
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
