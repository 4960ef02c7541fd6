#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Level-synchronous BFS. The frontier of one level is split across threads; a vertex is
// claimed with an atomic compare-and-swap on its level (exactly one thread wins), and
// each thread collects its discoveries in a private buffer. The buffers are concatenated
// into the next frontier at offsets given by a prefix over the buffer sizes.
void bfs_levels(const Graph& g, std::vector<std::int32_t>& level) {
  const std::size_t n = g.n;
  std::int32_t* lv = level.data();
#pragma omp parallel for schedule(static)
  for (std::size_t v = 0; v < n; ++v) lv[v] = -1;
  if (n == 0) return;
  const std::int64_t* off = g.offsets.data();
  const std::int32_t* adj = g.adj.data();
  const int nt = omp_get_max_threads();
  std::vector<std::int32_t> frontier{0}, next;
  std::vector<std::vector<std::int32_t>> local(nt);
  std::vector<std::size_t> pos(nt + 1);
  lv[0] = 0;
  for (std::int32_t depth = 0; !frontier.empty(); ++depth) {
    const std::size_t fsize = frontier.size();
#pragma omp parallel num_threads(nt)
    {
      const int t = omp_get_thread_num();
      const int team = omp_get_num_threads();
      std::vector<std::int32_t>& mine = local[t];
      mine.clear();
#pragma omp for schedule(dynamic, 64)
      for (std::size_t i = 0; i < fsize; ++i) {
        const std::int32_t u = frontier[i];
        for (std::int64_t k = off[u]; k < off[u + 1]; ++k) {
          const std::int32_t v = adj[k];
          std::int32_t expected = -1;
          if (__atomic_load_n(&lv[v], __ATOMIC_RELAXED) < 0 &&
              __atomic_compare_exchange_n(&lv[v], &expected, depth + 1, false, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED))
            mine.push_back(v);
        }
      }
#pragma omp single
      {
        pos[0] = 0;
        for (int q = 0; q < team; ++q) pos[q + 1] = pos[q] + local[q].size();
        next.resize(pos[team]);
      }
      std::copy(mine.begin(), mine.end(), next.begin() + static_cast<std::ptrdiff_t>(pos[t]));
    }
    frontier.swap(next);
  }
}
