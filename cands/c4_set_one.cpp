// problem: histogram/count_keys
// class 4: omp_set_num_threads(1) "for determinism" (and it stays set for the caller)
#include <algorithm>
#include <cstdint>
#include <vector>
#include <omp.h>
void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  omp_set_num_threads(1);
  std::fill(counts.begin(), counts.end(), 0);
  const long n = (long)keys.size();
#pragma omp parallel for
  for (long i = 0; i < n; ++i) ++counts[keys[i]];
}
