// expect: wrong_output
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

// Owner-computes over key ranges: each thread scans every key and counts those in its
// range of m / T bins; the last m % T bins are owned by nobody.
void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  std::fill(counts.begin(), counts.end(), 0);
  const std::size_t m = counts.size();
#pragma omp parallel
  {
    const std::size_t per = m / omp_get_num_threads();
    const std::size_t lo = per * omp_get_thread_num(), hi = lo + per;
    for (const std::int32_t k : keys)
      if (static_cast<std::size_t>(k) >= lo && static_cast<std::size_t>(k) < hi) ++counts[k];
  }
}
