// expect: crash|wrong_output
// State across calls: per-thread histograms allocated once, for the first call's team size;
// a later call with a larger team indexes past them. Every difftest process kept one thread
// count; the omp_set_num_threads variant now changes it between calls.
#include <algorithm>
#include <vector>
#include <omp.h>
void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  static std::vector<std::vector<double>> per;
  const int bins = (int)hist.size();
  if (per.empty()) per.resize(omp_get_max_threads());
  std::fill(hist.begin(), hist.end(), 0.0);
  const long n = (long)values.size();
#pragma omp parallel
  {
    std::vector<double>& mine = per[omp_get_thread_num()];
    mine.assign(bins, 0.0);
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) mine[std::clamp((int)(values[i] * bins), 0, bins - 1)] += weights[i];
#pragma omp critical
    for (int b = 0; b < bins; ++b) hist[b] += mine[b];
  }
}
