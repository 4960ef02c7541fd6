#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

void neighbor_degrees(const Graph& g, std::vector<std::int64_t>& max_deg,
                      std::vector<std::int64_t>& sum_deg) {
  for (std::size_t v = 0; v < g.n; ++v) {
    std::int64_t mx = 0, sum = 0;
    for (std::int64_t k = g.offsets[v]; k < g.offsets[v + 1]; ++k) {
      const std::int32_t u = g.adj[k];
      const std::int64_t deg = g.offsets[u + 1] - g.offsets[u];
      if (deg > mx) mx = deg;
      sum += deg;
    }
    max_deg[v] = mx;
    sum_deg[v] = sum;
  }
}
