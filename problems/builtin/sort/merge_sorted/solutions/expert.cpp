#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
// How many of the first k merged elements come from a (ties take a first).
long from_a(const long* a, long na, const long* b, long nb, long k) {
  long lo = std::max(0L, k - nb), hi = std::min(k, na);
  while (lo < hi) {
    const long i = lo + (hi - lo) / 2;
    if (a[i] <= b[k - i - 1]) {
      lo = i + 1;
    } else {
      hi = i;
    }
  }
  return lo;
}
}  // namespace

void merge_sorted(const std::vector<long>& a, const std::vector<long>& b, std::vector<long>& out) {
  const long na = static_cast<long>(a.size()), nb = static_cast<long>(b.size());
  const long total = na + nb;
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long k0 = total * t / nt, k1 = total * (t + 1) / nt;
    const long i0 = from_a(a.data(), na, b.data(), nb, k0);
    const long i1 = from_a(a.data(), na, b.data(), nb, k1);
    std::merge(a.begin() + i0, a.begin() + i1, b.begin() + (k0 - i0), b.begin() + (k1 - i1),
               out.begin() + k0);
  }
}
