#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

void pagerank(const Graph& g, std::vector<double>& rank, int iters) {
  const std::size_t n = g.n;
  if (n == 0) return;
  const double d = 0.85;
  const double inv_n = 1.0 / static_cast<double>(n);
  std::vector<double> share(n), next(n);
  std::fill(rank.begin(), rank.end(), inv_n);
  for (int it = 0; it < iters; ++it) {
    double dangling = 0.0;
    for (std::size_t v = 0; v < n; ++v) {
      const std::int64_t deg = g.offsets[v + 1] - g.offsets[v];
      if (deg == 0) {
        dangling += rank[v];
        share[v] = 0.0;
      } else {
        share[v] = rank[v] / static_cast<double>(deg);
      }
    }
    const double base = (1.0 - d) * inv_n + d * dangling * inv_n;
    for (std::size_t v = 0; v < n; ++v) {
      double s = 0.0;
      for (std::int64_t k = g.offsets[v]; k < g.offsets[v + 1]; ++k) s += share[g.adj[k]];
      next[v] = base + d * s;
    }
    rank.swap(next);
  }
}
