#include <cstddef>
#include <cstdint>
#include <vector>

// Privatization: every thread counts into its own 256 bins (an OpenMP array reduction),
// combined once at the end. Within a thread, four interleaved sub-histograms break the
// store-to-load dependence when consecutive values hit the same bin (sorted or constant
// data).
void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  std::int64_t total[256] = {};
  const int* d = data.data();
  const std::size_t n = data.size();
#pragma omp parallel
  {
    std::int64_t h[4][256] = {};
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < n / 4; ++i) {
      ++h[0][d[4 * i]];
      ++h[1][d[4 * i + 1]];
      ++h[2][d[4 * i + 2]];
      ++h[3][d[4 * i + 3]];
    }
#pragma omp single nowait
    for (std::size_t i = n / 4 * 4; i < n; ++i) ++h[0][d[i]];
#pragma omp critical
    for (int b = 0; b < 256; ++b) total[b] += h[0][b] + h[1][b] + h[2][b] + h[3][b];
  }
  for (int b = 0; b < 256; ++b) bins[b] = total[b];
}
