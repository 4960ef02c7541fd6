#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

// Pull-based: each vertex sums its neighbours' shares in list order (as the serial code),
// so per-vertex work is independent; degrees vary, hence dynamic chunks. The dangling
// total is a reduction. One parallel region for all iterations.
void pagerank(const Graph& g, std::vector<double>& rank, int iters) {
  const std::size_t n = g.n;
  if (n == 0) return;
  const double d = 0.85;
  const double inv_n = 1.0 / static_cast<double>(n);
  const std::int64_t* off = g.offsets.data();
  const std::int32_t* adj = g.adj.data();
  std::vector<double> share(n), next(n);
  double* r = rank.data();
  double* nx = next.data();
  double* sh = share.data();
  double dangling = 0.0;
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t v = 0; v < n; ++v) r[v] = inv_n;
    for (int it = 0; it < iters; ++it) {
#pragma omp single
      dangling = 0.0;
#pragma omp for schedule(static) reduction(+ : dangling)
      for (std::size_t v = 0; v < n; ++v) {
        const std::int64_t deg = off[v + 1] - off[v];
        if (deg == 0) {
          dangling += r[v];
          sh[v] = 0.0;
        } else {
          sh[v] = r[v] / static_cast<double>(deg);
        }
      }
      const double base = (1.0 - d) * inv_n + d * dangling * inv_n;
#pragma omp for schedule(dynamic, 1024)
      for (std::size_t v = 0; v < n; ++v) {
        double s = 0.0;
        for (std::int64_t k = off[v]; k < off[v + 1]; ++k) s += sh[adj[k]];
        nx[v] = base + d * s;
      }
#pragma omp for schedule(static)
      for (std::size_t v = 0; v < n; ++v) r[v] = nx[v];
    }
  }
}
