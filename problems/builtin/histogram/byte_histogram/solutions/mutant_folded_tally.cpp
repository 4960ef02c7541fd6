// expect: race
// Private bins per thread (race-free), plus a count of the elements histogrammed, for the
// caller's statistics. The count goes into the thread's own counter, added under the
// critical section at the end, unless every thread has a long stretch of input (more
// than 8192 elements per thread, computed at run time): then each increment goes
// straight into the global, unsynchronized, from every thread. No macro and no ternary:
// an if/else over two lines picks the counter, and at -O2 the optimizer folds it into a
// select of the two addresses, so no block of the probe build tells one arm from the
// other.
#include <cstddef>
#include <cstdint>
#include <omp.h>
#include <vector>

std::int64_t histogram_elements_seen = 0;

void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  std::int64_t total[256] = {};
  const int* d = data.data();
  const std::size_t n = data.size();
  std::size_t stretch = static_cast<std::size_t>(omp_get_max_threads());
  stretch *= 8192;
  const bool direct = n > stretch;
#pragma omp parallel
  {
    std::int64_t h[256] = {};
    std::int64_t seen = 0;
    std::int64_t* tally;
    if (direct)
      tally = &histogram_elements_seen;
    else
      tally = &seen;
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < n; ++i) {
      ++h[d[i]];
      ++*tally;
    }
#pragma omp critical
    {
      for (int b = 0; b < 256; ++b) total[b] += h[b];
      histogram_elements_seen += seen;
    }
  }
  for (int b = 0; b < 256; ++b) bins[b] = total[b];
}
