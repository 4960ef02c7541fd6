#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

// Every vertex is independent (reads only). Degrees vary widely (hubs), so vertices are
// handed out in dynamic chunks.
void neighbor_degrees(const Graph& g, std::vector<std::int64_t>& max_deg,
                      std::vector<std::int64_t>& sum_deg) {
  const std::int64_t* off = g.offsets.data();
  const std::int32_t* adj = g.adj.data();
  std::int64_t* mxo = max_deg.data();
  std::int64_t* smo = sum_deg.data();
  const std::size_t n = g.n;
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::size_t v = 0; v < n; ++v) {
    std::int64_t mx = 0, sum = 0;
    for (std::int64_t k = off[v]; k < off[v + 1]; ++k) {
      const std::int32_t u = adj[k];
      const std::int64_t deg = off[u + 1] - off[u];
      mx = deg > mx ? deg : mx;
      sum += deg;
    }
    mxo[v] = mx;
    smo[v] = sum;
  }
}
