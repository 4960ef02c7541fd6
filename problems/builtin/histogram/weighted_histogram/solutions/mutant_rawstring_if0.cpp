// expect: race
// A check that silently did not run: a raw string holding "#if 0" (closed by another one
// holding "#endif") made the source scan take the function between them for dead code,
// so the race step used to skip it. The bins are atomic, but every iteration also stores
// a flag into a shared variable.
#include <algorithm>
#include <vector>

static const char* kUsage = R"(weighted_histogram: usage notes
#if 0
)";

void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  (void)kUsage;
  const int bins = static_cast<int>(hist.size());
  std::fill(hist.begin(), hist.end(), 0.0);
  const long n = static_cast<long>(values.size());
  int touched = 0;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    const int b = std::clamp(static_cast<int>(values[i] * bins), 0, bins - 1);
#pragma omp atomic
    hist[b] += weights[i];
    touched = 1;
  }
  (void)touched;
}

static const char* kEnd = R"(
#endif
)";
