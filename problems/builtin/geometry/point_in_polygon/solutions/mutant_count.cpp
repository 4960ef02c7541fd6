// expect: race
#include <cstddef>
#include <vector>

// Also counts the inside points in a shared counter without synchronization (for a log
// line). The counter is not an output, so inside[] is right, but the increments race.
std::size_t polygon_inside_count = 0;  // external linkage: the stores cannot be optimized away

void points_in_polygon(const std::vector<double>& px, const std::vector<double>& py,
                       const std::vector<double>& qx, const std::vector<double>& qy,
                       std::vector<int>& inside) {
  const std::size_t m = px.size();
#pragma omp parallel for schedule(static)
  for (std::size_t q = 0; q < qx.size(); ++q) {
    const double x = qx[q], y = qy[q];
    bool in = false;
    for (std::size_t i = 0, j = m - 1; i < m; j = i++) {
      if ((py[i] > y) != (py[j] > y) &&
          x < (px[j] - px[i]) * (y - py[i]) / (py[j] - py[i]) + px[i])
        in = !in;
    }
    inside[q] = in ? 1 : 0;
    polygon_inside_count += inside[q];
  }
}
