#include <cstddef>
#include <cstdint>

#include "hooks.h"

// Vertices are independent units of work whose cost varies with their degree (hubs),
// so they are scheduled dynamically; the count is an OpenMP reduction.
std::int64_t triangle_count(const Graph& g) {
  const std::int64_t* off = g.offsets.data();
  const std::int32_t* adj = g.adj.data();
  const std::size_t n = g.n;
  std::int64_t count = 0;
#pragma omp parallel for schedule(dynamic, 512) reduction(+ : count)
  for (std::size_t u = 0; u < n; ++u) {
    for (std::int64_t k = off[u]; k < off[u + 1]; ++k) {
      const std::int32_t v = adj[k];
      if (v <= static_cast<std::int32_t>(u)) continue;
      std::int64_t i = k + 1, j = off[v];
      const std::int64_t iend = off[u + 1], jend = off[v + 1];
      while (i < iend && j < jend) {
        const std::int32_t a = adj[i], b = adj[j];
        if (a < b) {
          ++i;
        } else if (b < a) {
          ++j;
        } else {
          count += (a > v);
          ++i;
          ++j;
        }
      }
    }
  }
  return count;
}
