// expect: timeout
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

namespace {
omp_lock_t merge_lock;

void add_bins(std::vector<std::int64_t>& bins, const std::vector<std::int64_t>& mine) {
  omp_set_lock(&merge_lock);  // the caller already holds it: a simple lock deadlocks
  for (int b = 0; b < 256; ++b) bins[b] += mine[b];
  omp_unset_lock(&merge_lock);
}
}  // namespace

// The merge is protected twice by the same (non-recursive) lock: the first thread to
// merge waits for itself forever.
void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  std::fill(bins.begin(), bins.end(), 0);
  omp_init_lock(&merge_lock);
#pragma omp parallel
  {
    std::vector<std::int64_t> mine(256, 0);
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < data.size(); ++i) ++mine[data[i]];
    omp_set_lock(&merge_lock);
    add_bins(bins, mine);
    omp_unset_lock(&merge_lock);
  }
  omp_destroy_lock(&merge_lock);
}
