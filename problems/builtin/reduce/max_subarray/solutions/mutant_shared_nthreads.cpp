// expect: race
// Correct block decomposition, but every thread stores the team size into a
// shared variable: a write-write race that always writes the same value.
#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
struct Summary {
  long long total, prefix, suffix, best;
};

Summary combine(const Summary& l, const Summary& r) {
  return Summary{l.total + r.total, std::max(l.prefix, l.total + r.prefix),
                 std::max(r.suffix, r.total + l.suffix),
                 std::max({l.best, r.best, l.suffix + r.prefix})};
}
}  // namespace

long long max_subarray(const std::vector<int>& a) {
  const long n = static_cast<long>(a.size());
  if (n == 0) return 0;
  std::vector<Summary> parts(omp_get_max_threads());
  int nthreads = 1;
#pragma omp parallel
  {
    nthreads = omp_get_num_threads();
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    if (lo < hi) {
      Summary s{a[lo], a[lo], a[lo], a[lo]};
      long long ending_here = a[lo];
      for (long i = lo + 1; i < hi; ++i) {
        s.total += a[i];
        s.prefix = std::max(s.prefix, s.total);
        ending_here = std::max<long long>(a[i], ending_here + a[i]);
        s.best = std::max(s.best, ending_here);
      }
      s.suffix = ending_here;
      parts[t] = s;
    }
  }
  Summary all{0, 0, 0, 0};
  bool have = false;
  for (int t = 0; t < nthreads; ++t) {
    const long lo = n * t / nthreads;
    const long hi = n * (t + 1) / nthreads;
    if (lo >= hi) continue;
    all = have ? combine(all, parts[t]) : parts[t];
    have = true;
  }
  return all.best;
}
