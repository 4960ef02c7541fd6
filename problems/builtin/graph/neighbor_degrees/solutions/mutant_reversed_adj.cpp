// expect: wrong_output
// Inputs changed: every adjacency list is reversed in place (through const_cast) and
// left reversed. The degrees are right; the caller's const Graph is no longer sorted.
// Graph has no operator==: the const-input check now compares its fields byte for byte.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "hooks.h"

void neighbor_degrees(const Graph& g, std::vector<std::int64_t>& max_deg,
                      std::vector<std::int64_t>& sum_deg) {
  std::int32_t* adj = const_cast<std::int32_t*>(g.adj.data());
  const long n = static_cast<long>(g.n);
#pragma omp parallel for schedule(dynamic, 32)
  for (long v = 0; v < n; ++v) {
    std::reverse(adj + g.offsets[v], adj + g.offsets[v + 1]);
    std::int64_t mx = 0, sum = 0;
    for (std::int64_t k = g.offsets[v]; k < g.offsets[v + 1]; ++k) {
      const std::int32_t u = adj[k];
      const std::int64_t deg = g.offsets[u + 1] - g.offsets[u];
      if (deg > mx) mx = deg;
      sum += deg;
    }
    max_deg[v] = mx;
    sum_deg[v] = sum;
  }
}
