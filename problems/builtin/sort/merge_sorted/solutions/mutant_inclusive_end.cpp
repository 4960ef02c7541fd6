// expect: race
// Merge-path split with an inclusive end: each thread also writes the first
// element of the next thread's part. Both write the same value there, so the
// output is right, but the two writes race.
#include <algorithm>
#include <omp.h>
#include <vector>

static long from_a(const long* a, long na, const long* b, long nb, long k) {
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

void merge_sorted(const std::vector<long>& a, const std::vector<long>& b, std::vector<long>& out) {
  const long na = static_cast<long>(a.size()), nb = static_cast<long>(b.size());
  const long total = na + nb;
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long k0 = total * t / nt, k1 = total * (t + 1) / nt;
    long i = from_a(a.data(), na, b.data(), nb, k0);
    long j = k0 - i;
    for (long k = k0; k <= k1 && k < total; ++k) {
      if (j >= nb || (i < na && a[i] <= b[j])) {
        out[k] = a[i++];
      } else {
        out[k] = b[j++];
      }
    }
  }
}
