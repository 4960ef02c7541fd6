// problem: search/lower_bounds
// class 6 (correct): the queries are sorted in place with their positions, answered by a merge, then put back
#include <algorithm>
#include <numeric>
#include <vector>
void lower_bounds(const std::vector<long>& s, const std::vector<long>& q, std::vector<long>& pos) {
  auto& qq = const_cast<std::vector<long>&>(q);
  const long m = (long)q.size();
  std::vector<long> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](long a, long b) { return q[a] < q[b]; });
  std::vector<long> saved(q.begin(), q.end());
  for (long i = 0; i < m; ++i) qq[i] = saved[order[i]];
#pragma omp parallel for schedule(static)
  for (long i = 0; i < m; ++i) pos[order[i]] = std::lower_bound(s.begin(), s.end(), qq[i]) - s.begin();
  for (long i = 0; i < m; ++i) qq[i] = saved[i];
}
