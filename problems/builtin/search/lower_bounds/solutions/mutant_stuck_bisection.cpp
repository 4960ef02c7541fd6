// expect: timeout
// Hand-written bisection that moves lo to mid instead of mid + 1: once the
// interval has two elements and the left one is too small, it never shrinks.
#include <vector>

void lower_bounds(const std::vector<long>& s, const std::vector<long>& q, std::vector<long>& pos) {
  const long m = static_cast<long>(q.size());
  const long n = static_cast<long>(s.size());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < m; ++i) {
    long lo = 0, hi = n;
    while (lo < hi) {
      const long mid = lo + (hi - lo) / 2;
      if (s[mid] < q[i]) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    pos[i] = lo;
  }
}
