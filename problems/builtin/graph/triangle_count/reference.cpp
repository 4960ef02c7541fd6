#include <cstddef>
#include <cstdint>

#include "hooks.h"

// Every triangle u < v < w is counted once: for each edge (u, v) with u < v, merge the
// sorted neighbour lists of u and v and count the common neighbours w > v.
std::int64_t triangle_count(const Graph& g) {
  std::int64_t count = 0;
  for (std::size_t u = 0; u < g.n; ++u) {
    for (std::int64_t k = g.offsets[u]; k < g.offsets[u + 1]; ++k) {
      const std::int32_t v = g.adj[k];
      if (v <= static_cast<std::int32_t>(u)) continue;
      std::int64_t i = k + 1, j = g.offsets[v];
      const std::int64_t iend = g.offsets[u + 1], jend = g.offsets[v + 1];
      while (i < iend && j < jend) {
        const std::int32_t a = g.adj[i], b = g.adj[j];
        if (a < b) {
          ++i;
        } else if (b < a) {
          ++j;
        } else {
          if (a > v) ++count;
          ++i;
          ++j;
        }
      }
    }
  }
  return count;
}
