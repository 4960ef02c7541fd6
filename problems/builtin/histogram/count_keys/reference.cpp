#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  std::fill(counts.begin(), counts.end(), 0);
  for (const std::int32_t k : keys) ++counts[k];
}
