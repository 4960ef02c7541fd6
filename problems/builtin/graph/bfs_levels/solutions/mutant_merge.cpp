// expect: wrong_output
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Per-thread discovery buffers, but only the master thread's buffer becomes the next
// frontier: vertices found by other threads get a level and are never expanded.
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
          std::int32_t expected = -1;
          if (__atomic_compare_exchange_n(&level[v], &expected, depth + 1, false, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED))
            mine.push_back(v);
        }
      }
      if (omp_get_thread_num() == 0) next.swap(mine);
    }
    frontier.swap(next);
  }
}
