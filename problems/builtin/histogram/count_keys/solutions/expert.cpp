#include <cstddef>
#include <cstdint>
#include <vector>

// Too many bins for cheap private copies per element range, and the key pattern is
// random, so the bins are shared and updated with atomic increments (uncontended in
// practice: keys spread over n/4 bins). The zeroing is a parallel loop too.
void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  std::int32_t* c = counts.data();
  const std::int32_t* k = keys.data();
  const std::size_t m = counts.size(), n = keys.size();
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t b = 0; b < m; ++b) c[b] = 0;
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < n; ++i) {
#pragma omp atomic update
      ++c[k[i]];
    }
  }
}
