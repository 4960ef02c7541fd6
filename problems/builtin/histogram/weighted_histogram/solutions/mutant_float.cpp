// expect: wrong_output
#include <algorithm>
#include <cstddef>
#include <vector>

// Private partial histograms kept in single precision "to save bandwidth": the sums
// lose about 7 significant digits, far outside the tolerance.
void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  const int bins = static_cast<int>(hist.size());
  std::fill(hist.begin(), hist.end(), 0.0);
#pragma omp parallel
  {
    std::vector<float> mine(bins, 0.0f);
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int b = std::clamp(static_cast<int>(values[i] * bins), 0, bins - 1);
      mine[b] += static_cast<float>(weights[i]);
    }
#pragma omp critical
    for (int b = 0; b < bins; ++b) hist[b] += mine[b];
  }
}
