#include <algorithm>
#include <cstddef>
#include <vector>

void vertex_normals(const std::vector<double>& x, const std::vector<double>& y,
                    const std::vector<double>& z, const std::vector<int>& tri, std::vector<double>& nx,
                    std::vector<double>& ny, std::vector<double>& nz) {
  std::fill(nx.begin(), nx.end(), 0.0);
  std::fill(ny.begin(), ny.end(), 0.0);
  std::fill(nz.begin(), nz.end(), 0.0);
  for (std::size_t f = 0; f + 2 < tri.size(); f += 3) {
    const int a = tri[f], b = tri[f + 1], c = tri[f + 2];
    const double ux = x[b] - x[a], uy = y[b] - y[a], uz = z[b] - z[a];
    const double vx = x[c] - x[a], vy = y[c] - y[a], vz = z[c] - z[a];
    const double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    for (const int v : {a, b, c}) {
      nx[v] += cx;
      ny[v] += cy;
      nz[v] += cz;
    }
  }
}
