#include <algorithm>
#include <utility>
#include <vector>

void sort_by_key(std::vector<int>& keys, std::vector<int>& vals) {
  std::vector<std::pair<int, int>> pairs(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) pairs[i] = {keys[i], vals[i]};
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    keys[i] = pairs[i].first;
    vals[i] = pairs[i].second;
  }
}
