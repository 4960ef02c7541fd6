// problem: histogram/weighted_histogram
// class 7: a raw string holding "#if 0" makes a text scan think the rest is dead code;
// the histogram is accumulated without synchronization
#include <algorithm>
#include <vector>
static const char* kUsage = R"(usage notes
#if 0
)";
void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  (void)kUsage;
  const int bins = (int)hist.size();
  std::fill(hist.begin(), hist.end(), 0.0);
  const long n = (long)values.size();
  int writer = -1;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    const int b = std::clamp((int)(values[i] * bins), 0, bins - 1);
#pragma omp atomic
    hist[b] += weights[i];
    writer = 1;
  }
  (void)writer;
}
static const char* kEnd = R"(
#endif
)";
