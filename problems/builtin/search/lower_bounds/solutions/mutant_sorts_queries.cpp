// expect: wrong_output
// Inputs changed: the queries are sorted in place (through const_cast) to answer them in
// one merge-like pass; the answers are right, but the caller's const input is left
// reordered.
#include <algorithm>
#include <numeric>
#include <vector>

void lower_bounds(const std::vector<long>& s, const std::vector<long>& q, std::vector<long>& pos) {
  auto& qs = const_cast<std::vector<long>&>(q);
  std::vector<long> order(q.size());
  std::iota(order.begin(), order.end(), 0L);
  std::sort(order.begin(), order.end(), [&](long a, long b) { return q[a] < q[b]; });
  std::vector<long> sorted(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) sorted[i] = q[order[i]];
  qs = sorted;  // "free" scratch space
  const long m = static_cast<long>(q.size());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < m; ++i) {
    pos[order[i]] = std::lower_bound(s.begin(), s.end(), qs[i]) - s.begin();
  }
}
