// expect: wrong_output
// State across calls: per-thread partial counts live in a static buffer that is zeroed
// only when its shape changes, so a second call of the same shape adds to the first
// call's counts. Correct on the first call of every process.
#include <cstdint>
#include <vector>
#include <omp.h>

void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  static std::vector<std::int32_t> scratch;
  static std::size_t shape = 0;
  const std::size_t m = counts.size();
  const int t = omp_get_max_threads();
  if (shape != m * static_cast<std::size_t>(t) + 1) {
    scratch.assign(m * static_cast<std::size_t>(t), 0);
    shape = m * static_cast<std::size_t>(t) + 1;
  }
  const long n = static_cast<long>(keys.size());
#pragma omp parallel num_threads(t)
  {
    std::int32_t* mine = scratch.data() + static_cast<std::size_t>(omp_get_thread_num()) * m;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) ++mine[keys[i]];
  }
  for (std::size_t k = 0; k < m; ++k) {
    std::int32_t c = 0;
    for (int j = 0; j < t; ++j) c += scratch[static_cast<std::size_t>(j) * m + k];
    counts[k] = c;
  }
}
