#include <algorithm>
#include <vector>

long longest_run(const std::vector<int>& v) {
  if (v.empty()) return 0;
  long best = 1, current = 1;
  for (std::size_t i = 1; i < v.size(); ++i) {
    current = v[i] == v[i - 1] ? current + 1 : 1;
    best = std::max(best, current);
  }
  return best;
}
