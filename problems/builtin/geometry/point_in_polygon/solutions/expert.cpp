#include <cstddef>
#include <vector>

// Queries are independent: split them statically (equal work per query). The edge test
// is the serial one, so every decision is identical.
void points_in_polygon(const std::vector<double>& px, const std::vector<double>& py,
                       const std::vector<double>& qx, const std::vector<double>& qy,
                       std::vector<int>& inside) {
  const std::size_t m = px.size();
  const std::size_t nq = qx.size();
  const double* PX = px.data();
  const double* PY = py.data();
#pragma omp parallel for schedule(static)
  for (std::size_t q = 0; q < nq; ++q) {
    const double x = qx[q], y = qy[q];
    bool in = false;
    for (std::size_t i = 0, j = m - 1; i < m; j = i++) {
      if ((PY[i] > y) != (PY[j] > y) &&
          x < (PX[j] - PX[i]) * (y - PY[i]) / (PY[j] - PY[i]) + PX[i])
        in = !in;
    }
    inside[q] = in ? 1 : 0;
  }
}
