// expect: race
// A racy loop behind a threshold from a static table: the minimum work per thread is
// looked up by the team size (no literal compared with n that the race plan could go
// above), and the parallel loop adds into the shared histogram without atomics. Every
// test size stays below the table's entries, so it runs serially there.
#include <algorithm>
#include <cstddef>
#include <omp.h>
#include <vector>

static const long kMinWorkPerThread[] = {1L << 30, 1L << 30, 12000, 9000, 7000, 6000};

void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  const int bins = static_cast<int>(hist.size());
  const long n = static_cast<long>(values.size());
  const int team = std::min(omp_get_max_threads(), 5);
  std::fill(hist.begin(), hist.end(), 0.0);
  const bool go = n / team > kMinWorkPerThread[team];
#pragma omp parallel for if (go)
  for (long i = 0; i < n; ++i) {
    const int b = std::clamp(static_cast<int>(values[i] * bins), 0, bins - 1);
    hist[b] += weights[i];
  }
}
