#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  std::fill(bins.begin(), bins.end(), 0);
  for (const int v : data) ++bins[v];
}
