// expect: race
// Races at sizes the race step did not run: keys are counted two at a time when the input
// size is a multiple of 4 and above 256, and that path records its use in a shared variable
// from every thread. Difftest's sizes reach it (1000) but the race step's were odd apart
// from the tiny ones.
#include <algorithm>
#include <cstdint>
#include <vector>

void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  std::fill(counts.begin(), counts.end(), 0);
  const long n = static_cast<long>(keys.size());
  const long bins = static_cast<long>(counts.size());
  int wide_path = 0;
#pragma omp parallel
  {
    std::vector<std::int32_t> local(bins, 0);
    if (n % 4 == 0 && n > 256) {
#pragma omp for schedule(static)
      for (long i = 0; i < n; i += 2) {
        ++local[keys[i]];
        ++local[keys[i + 1]];
        wide_path = 1;
      }
    } else {
#pragma omp for schedule(static)
      for (long i = 0; i < n; ++i) ++local[keys[i]];
    }
#pragma omp critical
    for (long b = 0; b < bins; ++b) counts[b] += local[b];
  }
  (void)wide_path;
}
