#include <algorithm>
#include <vector>

void lower_bounds(const std::vector<long>& s, const std::vector<long>& q, std::vector<long>& pos) {
  const long m = static_cast<long>(q.size());
  const long* first = s.data();
  const long* last = s.data() + s.size();
#pragma omp parallel for schedule(static)
  for (long i = 0; i < m; ++i) pos[i] = std::lower_bound(first, last, q[i]) - first;
}
