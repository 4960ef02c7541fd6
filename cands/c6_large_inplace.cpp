// problem: search/lower_bounds
// class 6: above 50000 queries, the queries are sorted in place (const_cast) and never restored
#include <algorithm>
#include <numeric>
#include <vector>
void lower_bounds(const std::vector<long>& s, const std::vector<long>& q, std::vector<long>& pos) {
  const long m = (long)q.size();
  if (m > 50000) {
    auto& qq = const_cast<std::vector<long>&>(q);
    std::vector<long> order(m);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](long a, long b) { return q[a] < q[b]; });
    std::vector<long> sorted(m);
    for (long i = 0; i < m; ++i) sorted[i] = q[order[i]];
    std::copy(sorted.begin(), sorted.end(), qq.begin());
#pragma omp parallel for schedule(static)
    for (long i = 0; i < m; ++i) pos[order[i]] = std::lower_bound(s.begin(), s.end(), qq[i]) - s.begin();
    return;
  }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < m; ++i) pos[i] = std::lower_bound(s.begin(), s.end(), q[i]) - s.begin();
}
