#include <algorithm>
#include <vector>

void lower_bounds(const std::vector<long>& s, const std::vector<long>& q, std::vector<long>& pos) {
  for (std::size_t i = 0; i < q.size(); ++i) {
    pos[i] = std::lower_bound(s.begin(), s.end(), q[i]) - s.begin();
  }
}
