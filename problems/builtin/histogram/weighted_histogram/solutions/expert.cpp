#include <algorithm>
#include <cstddef>
#include <vector>

// Privatization: each thread sums into its own 1000 bins (an array-section reduction),
// combined at the end of the loop.
void weighted_histogram(const std::vector<double>& values, const std::vector<double>& weights,
                        std::vector<double>& hist) {
  constexpr int kBins = 1000;
  double* h = hist.data();
  for (int b = 0; b < kBins; ++b) h[b] = 0.0;
  const double* v = values.data();
  const double* w = weights.data();
  const std::size_t n = values.size();
#pragma omp parallel for schedule(static) reduction(+ : h[:kBins])
  for (std::size_t i = 0; i < n; ++i) {
    const int b = std::clamp(static_cast<int>(v[i] * kBins), 0, kBins - 1);
    h[b] += w[i];
  }
}
