// expect: wrong_output|race
// Lost updates corrupt the result on most runs at larger sizes; when they happen not to,
// the race detector still reports the unsynchronized scatter.
#include <algorithm>
#include <cstddef>
#include <vector>

// Triangles split across threads with plain (non-atomic) scatter-adds into the shared
// normals: two threads updating the same vertex lose updates.
void vertex_normals(const std::vector<double>& x, const std::vector<double>& y,
                    const std::vector<double>& z, const std::vector<int>& tri, std::vector<double>& nx,
                    std::vector<double>& ny, std::vector<double>& nz) {
  std::fill(nx.begin(), nx.end(), 0.0);
  std::fill(ny.begin(), ny.end(), 0.0);
  std::fill(nz.begin(), nz.end(), 0.0);
  const std::size_t nf = tri.size() / 3;
#pragma omp parallel for schedule(static)
  for (std::size_t f = 0; f < nf; ++f) {
    const int a = tri[3 * f], b = tri[3 * f + 1], c = tri[3 * f + 2];
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
