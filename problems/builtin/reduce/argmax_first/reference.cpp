#include <cstddef>
#include <vector>

long argmax_first(const std::vector<int>& v) {
  if (v.empty()) return -1;
  std::size_t best = 0;
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] > v[best]) best = i;
  }
  return static_cast<long>(best);
}
