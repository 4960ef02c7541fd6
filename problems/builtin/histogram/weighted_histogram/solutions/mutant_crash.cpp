// expect: crash
#include <algorithm>
#include <cstddef>
#include <vector>
#include <omp.h>

// One partial histogram per thread, but the count of partials comes from
// omp_get_num_threads() outside the parallel region (1): a second thread's .at() throws.
void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  const int bins = static_cast<int>(hist.size());
  std::vector<std::vector<double>> part(omp_get_num_threads(), std::vector<double>(bins, 0.0));
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int b = std::clamp(static_cast<int>(values[i] * bins), 0, bins - 1);
    part.at(omp_get_thread_num())[b] += weights[i];
  }
  for (int b = 0; b < bins; ++b) {
    double s = 0.0;
    for (const auto& p : part) s += p[b];
    hist[b] = s;
  }
}
