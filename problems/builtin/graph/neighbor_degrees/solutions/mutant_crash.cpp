// expect: crash
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Per-thread scratch sized with omp_get_num_threads() outside the parallel region
// (where it is 1); a second thread's .at() throws and terminates the program.
void neighbor_degrees(const Graph& g, std::vector<std::int64_t>& max_deg,
                      std::vector<std::int64_t>& sum_deg) {
  std::vector<std::int64_t> scratch(omp_get_num_threads(), 0);
#pragma omp parallel for schedule(static)
  for (std::size_t v = 0; v < g.n; ++v) {
    std::int64_t& sum = scratch.at(omp_get_thread_num());
    std::int64_t mx = 0;
    sum = 0;
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
