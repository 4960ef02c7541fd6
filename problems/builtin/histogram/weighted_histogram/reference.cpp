#include <algorithm>
#include <cstddef>
#include <vector>

void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  const int bins = static_cast<int>(hist.size());
  std::fill(hist.begin(), hist.end(), 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int b = std::clamp(static_cast<int>(values[i] * bins), 0, bins - 1);
    hist[b] += weights[i];
  }
}
