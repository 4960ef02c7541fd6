// expect: timeout
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

// Min-label propagation until nothing changes, but the "changed" flag is never cleared
// at the start of a sweep, so the loop never ends.
void connected_components(const Graph& g, std::vector<std::int32_t>& comp) {
  const std::size_t n = g.n;
#pragma omp parallel for
  for (std::size_t v = 0; v < n; ++v) comp[v] = static_cast<std::int32_t>(v);
  bool changed = true;
  while (changed) {
#pragma omp parallel for schedule(dynamic, 256)
    for (std::size_t v = 0; v < n; ++v) {
      std::int32_t m = comp[v];
      for (std::int64_t k = g.offsets[v]; k < g.offsets[v + 1]; ++k)
        if (comp[g.adj[k]] < m) m = comp[g.adj[k]];
      if (m < comp[v]) {
        comp[v] = m;
        changed = true;
      }
    }
  }
}
