// expect: race|timeout
// Degrees are looked up in a table instead of two offsets reads per neighbour. While a
// private copy per thread fits in 1 MiB (n x threads entries), every thread fills its
// own; above that (a size computed at run time) all threads share one copy, picked by a
// select of the table's offset, and every thread still fills the whole table, with no
// barrier before the lookups: identical values written by every thread to the same
// entries and read while another thread writes them. The outputs are right; the same
// instructions run at every size, only the table's address is shared. (Timeout as well:
// the race step goes where the conflict probe first sees the shared table, n=128000, and
// TSan there can spend its 30 s on reports it drops, under load.)
#include <cstddef>
#include <cstdint>
#include <omp.h>
#include <vector>

#include "hooks.h"

void neighbor_degrees(const Graph& g, std::vector<std::int64_t>& max_deg,
                      std::vector<std::int64_t>& sum_deg) {
  const std::int64_t* off = g.offsets.data();
  const std::int32_t* adj = g.adj.data();
  std::int64_t* mxo = max_deg.data();
  std::int64_t* smo = sum_deg.data();
  const std::size_t n = g.n;
  const std::size_t copies = static_cast<std::size_t>(omp_get_max_threads());
  const std::size_t budget = (std::size_t{1} << 20) / sizeof(std::int64_t);
  const bool one_table = n * copies > budget;
  std::vector<std::int64_t> tables(one_table ? n : n * copies);
#pragma omp parallel
  {
    const std::size_t t = static_cast<std::size_t>(omp_get_thread_num());
    std::int64_t* deg = tables.data() + (one_table ? 0 : n * t);
    for (std::size_t v = 0; v < n; ++v) deg[v] = off[v + 1] - off[v];
#pragma omp for schedule(dynamic, 4096)
    for (std::size_t v = 0; v < n; ++v) {
      std::int64_t mx = 0, sum = 0;
      for (std::int64_t k = off[v]; k < off[v + 1]; ++k) {
        const std::int64_t d = deg[adj[k]];
        mx = d > mx ? d : mx;
        sum += d;
      }
      mxo[v] = mx;
      smo[v] = sum;
    }
  }
}
