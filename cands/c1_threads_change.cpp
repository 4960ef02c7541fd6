// problem: histogram/count_keys
// class 1: per-thread scratch sized once, for the first call's team size
#include <algorithm>
#include <cstdint>
#include <vector>
#include <omp.h>
void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  static std::vector<std::int32_t> scratch;
  static int slots = 0;
  const std::size_t bins = counts.size();
  if (slots == 0) slots = omp_get_max_threads();
  if (scratch.size() < (std::size_t)slots * bins) scratch.assign((std::size_t)slots * bins, 0);
  std::fill(counts.begin(), counts.end(), 0);
  const long n = (long)keys.size();
#pragma omp parallel
  {
    const int t = omp_get_thread_num() % slots;
    std::int32_t* mine = scratch.data() + (std::size_t)t * bins;
    std::fill(mine, mine + bins, 0);
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) ++mine[keys[i]];
#pragma omp critical
    for (std::size_t b = 0; b < bins; ++b) counts[b] += mine[b];
  }
}
