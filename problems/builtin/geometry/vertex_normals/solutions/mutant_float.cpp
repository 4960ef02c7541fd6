// expect: interface_mismatch
#include <cstddef>
#include <vector>

// Outputs changed to single precision "to halve memory traffic": a different signature.
void vertex_normals(const std::vector<double>& x, const std::vector<double>& y,
                    const std::vector<double>& z, const std::vector<int>& tri, std::vector<float>& nx,
                    std::vector<float>& ny, std::vector<float>& nz) {
  const std::size_t nv = nx.size();
#pragma omp parallel for schedule(static)
  for (std::size_t v = 0; v < nv; ++v) nx[v] = ny[v] = nz[v] = 0.0f;
  const std::size_t nf = tri.size() / 3;
  for (std::size_t f = 0; f < nf; ++f) {
    const int a = tri[3 * f], b = tri[3 * f + 1], c = tri[3 * f + 2];
    const double ux = x[b] - x[a], uy = y[b] - y[a], uz = z[b] - z[a];
    const double vx = x[c] - x[a], vy = y[c] - y[a], vz = z[c] - z[a];
    const float cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    for (const int v : {a, b, c}) {
      nx[v] += cx;
      ny[v] += cy;
      nz[v] += cz;
    }
  }
}
