// expect: wrong_output
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

// Private histograms per thread, but the merge loop stops one bin short: bin 255 is
// never copied out.
void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  std::fill(bins.begin(), bins.end(), 0);
#pragma omp parallel
  {
    std::vector<std::int64_t> mine(256, 0);
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < data.size(); ++i) ++mine[data[i]];
#pragma omp critical
    for (int b = 0; b < 255; ++b) bins[b] += mine[b];
  }
}
