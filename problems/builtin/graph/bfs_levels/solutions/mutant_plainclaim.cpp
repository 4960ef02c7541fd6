// expect: race
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Claims vertices with a plain check-then-write instead of an atomic compare-and-swap.
// Two threads may both claim a vertex: they write the same level and the vertex enters
// the next frontier twice (extra work, same result), but the accesses race.
void bfs_levels(const Graph& g, std::vector<std::int32_t>& level) {
  const std::size_t n = g.n;
  std::fill(level.begin(), level.end(), -1);
  if (n == 0) return;
  std::vector<std::int32_t> frontier{0};
  level[0] = 0;
  for (std::int32_t depth = 0; !frontier.empty(); ++depth) {
    std::vector<std::int32_t> next;
#pragma omp parallel
    {
      std::vector<std::int32_t> mine;
#pragma omp for schedule(static)
      for (std::size_t i = 0; i < frontier.size(); ++i) {
        const std::int32_t u = frontier[i];
        for (std::int64_t k = g.offsets[u]; k < g.offsets[u + 1]; ++k) {
          const std::int32_t v = g.adj[k];
          if (level[v] < 0) {
            level[v] = depth + 1;
            mine.push_back(v);
          }
        }
      }
#pragma omp critical
      next.insert(next.end(), mine.begin(), mine.end());
    }
    frontier.swap(next);
  }
}
