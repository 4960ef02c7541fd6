#include <cstddef>
#include <vector>
#include <omp.h>

// Scatter-adds from different triangles hit the same vertices. Each thread accumulates
// its contiguous block of triangles into private normal arrays (no atomics), then the
// arrays are summed with the vertices split across threads.
void vertex_normals(const std::vector<double>& x, const std::vector<double>& y,
                    const std::vector<double>& z, const std::vector<int>& tri, std::vector<double>& nx,
                    std::vector<double>& ny, std::vector<double>& nz) {
  const std::size_t nv = nx.size();
  const std::size_t nf = tri.size() / 3;
  const int nt = omp_get_max_threads();
  std::vector<std::vector<double>> part(nt);
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num();
    const int team = omp_get_num_threads();
    std::vector<double>& p = part[t];
    p.assign(3 * nv, 0.0);  // interleaved (x, y, z) per vertex
    const std::size_t lo = nf * t / team, hi = nf * (t + 1) / team;
    for (std::size_t f = lo; f < hi; ++f) {
      const int a = tri[3 * f], b = tri[3 * f + 1], c = tri[3 * f + 2];
      const double ux = x[b] - x[a], uy = y[b] - y[a], uz = z[b] - z[a];
      const double vx = x[c] - x[a], vy = y[c] - y[a], vz = z[c] - z[a];
      const double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
      for (const int v : {a, b, c}) {
        p[3 * v] += cx;
        p[3 * v + 1] += cy;
        p[3 * v + 2] += cz;
      }
    }
#pragma omp barrier
#pragma omp for schedule(static)
    for (std::size_t v = 0; v < nv; ++v) {
      double sx = 0.0, sy = 0.0, sz = 0.0;
      for (int q = 0; q < team; ++q) {
        sx += part[q][3 * v];
        sy += part[q][3 * v + 1];
        sz += part[q][3 * v + 2];
      }
      nx[v] = sx;
      ny[v] = sy;
      nz[v] = sz;
    }
  }
}
