#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
// Summary of a non-empty block: its total, best prefix, best suffix, best subarray.
struct Summary {
  long long total, prefix, suffix, best;
};

Summary summarize(const int* a, long lo, long hi) {
  Summary s{a[lo], a[lo], a[lo], a[lo]};
  long long ending_here = a[lo];
  for (long i = lo + 1; i < hi; ++i) {
    s.total += a[i];
    s.prefix = std::max(s.prefix, s.total);
    ending_here = std::max<long long>(a[i], ending_here + a[i]);
    s.best = std::max(s.best, ending_here);
  }
  s.suffix = ending_here;  // best subarray ending at the last element
  return s;
}

Summary combine(const Summary& l, const Summary& r) {
  return Summary{l.total + r.total, std::max(l.prefix, l.total + r.prefix),
                 std::max(r.suffix, r.total + l.suffix),
                 std::max({l.best, r.best, l.suffix + r.prefix})};
}
}  // namespace

long long max_subarray(const std::vector<int>& a) {
  const long n = static_cast<long>(a.size());
  if (n == 0) return 0;
  const int nblocks = static_cast<int>(std::min<long>(omp_get_max_threads(), n));
  std::vector<Summary> parts(nblocks);
#pragma omp parallel for schedule(static, 1) num_threads(nblocks)
  for (int b = 0; b < nblocks; ++b) {
    const long lo = n * b / nblocks;
    const long hi = n * (b + 1) / nblocks;
    parts[b] = summarize(a.data(), lo, hi);
  }
  Summary all = parts[0];
  for (int b = 1; b < nblocks; ++b) all = combine(all, parts[b]);
  return all.best;
}
