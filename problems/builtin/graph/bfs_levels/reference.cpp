#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

void bfs_levels(const Graph& g, std::vector<std::int32_t>& level) {
  std::fill(level.begin(), level.end(), -1);
  if (g.n == 0) return;
  std::vector<std::int32_t> queue;
  queue.reserve(g.n);
  level[0] = 0;
  queue.push_back(0);
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::int32_t u = queue[head];
    for (std::int64_t k = g.offsets[u]; k < g.offsets[u + 1]; ++k) {
      const std::int32_t v = g.adj[k];
      if (level[v] < 0) {
        level[v] = level[u] + 1;
        queue.push_back(v);
      }
    }
  }
}
