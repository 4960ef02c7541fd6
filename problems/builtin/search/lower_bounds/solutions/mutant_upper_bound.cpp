// expect: wrong_output
// Uses upper_bound: differs from lower_bound whenever a query equals an element.
#include <algorithm>
#include <vector>

void lower_bounds(const std::vector<long>& s, const std::vector<long>& q, std::vector<long>& pos) {
  const long m = static_cast<long>(q.size());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < m; ++i) pos[i] = std::upper_bound(s.begin(), s.end(), q[i]) - s.begin();
}
