// expect: race
// A race that shows only at a small size, through `nowait`: the points are tested in a
// `for nowait` loop, then the masked thread tests the first 8 points again (an exact
// path for a peeled head) without waiting. Those points are in the masked thread's own
// chunk while n / threads >= 8; below that another thread's chunk writes the same
// elements at the same time (equal values, so the output is right; still a data race).
// The old race step ran only at the largest test size.
#include <cstddef>
#include <vector>

static int crossing_parity(const std::vector<double>& px, const std::vector<double>& py, double x,
                           double y) {
  const std::size_t m = px.size();
  bool in = false;
  for (std::size_t i = 0, j = m - 1; i < m; j = i++) {
    if ((py[i] > y) != (py[j] > y) && x < (px[j] - px[i]) * (y - py[i]) / (py[j] - py[i]) + px[i])
      in = !in;
  }
  return in ? 1 : 0;
}

void points_in_polygon(const std::vector<double>& px, const std::vector<double>& py,
                       const std::vector<double>& qx, const std::vector<double>& qy,
                       std::vector<int>& inside) {
  const long n = static_cast<long>(qx.size());
  const long head = 8;
#pragma omp parallel
  {
#pragma omp for nowait schedule(static)
    for (long q = 0; q < n; ++q) inside[q] = crossing_parity(px, py, qx[q], qy[q]);
#pragma omp masked
    for (long q = 0; q < head && q < n; ++q) inside[q] = crossing_parity(px, py, qx[q], qy[q]);
  }
}
