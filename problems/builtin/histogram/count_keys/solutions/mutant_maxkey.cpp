// expect: race
#include <cstddef>
#include <cstdint>
#include <vector>

// Atomic increments (correct), plus the largest key seen kept in a shared variable
// without synchronization. It is not an output, so counts are right, but it races.
std::int32_t count_keys_max_seen = 0;  // external linkage: the stores cannot be optimized away

void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  std::int32_t* c = counts.data();
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t b = 0; b < counts.size(); ++b) c[b] = 0;
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::int32_t k = keys[i];
      if (k >= count_keys_max_seen) count_keys_max_seen = k;
#pragma omp atomic update
      ++c[k];
    }
  }
}
