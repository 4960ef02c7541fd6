// expect: race
// Correct block summaries, plus a shared statistics counter of scanned blocks
// that every thread increments without synchronization. The counter is never
// part of the result.
#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
struct Runs {
  long head, tail, best, len;
  int first, last;
};

Runs join(const Runs& a, const Runs& b) {
  const bool linked = a.last == b.first;
  Runs r{a.head, b.tail, std::max(a.best, b.best), a.len + b.len, a.first, b.last};
  if (linked) {
    r.best = std::max(r.best, a.tail + b.head);
    if (a.head == a.len) r.head = a.len + b.head;
    if (b.tail == b.len) r.tail = b.len + a.tail;
  }
  return r;
}
}  // namespace

long blocks_scanned = 0;  // statistics

long longest_run(const std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
  if (n == 0) return 0;
  const int parts = static_cast<int>(std::min<long>(n, omp_get_max_threads()));
  std::vector<Runs> runs(parts);
#pragma omp parallel for schedule(static, 1) num_threads(parts)
  for (int p = 0; p < parts; ++p) {
    const long lo = n * p / parts, hi = n * (p + 1) / parts;
    Runs r{1, 1, 1, hi - lo, v[lo], v[hi - 1]};
    long current = 1;
    bool in_head = true;
    for (long i = lo + 1; i < hi; ++i) {
      if (v[i] == v[i - 1]) {
        ++current;
      } else {
        in_head = false;
        current = 1;
      }
      if (in_head) r.head = current;
      r.best = std::max(r.best, current);
    }
    r.tail = current;
    runs[p] = r;
    blocks_scanned += 1;
  }
  Runs all = runs[0];
  for (int p = 1; p < parts; ++p) all = join(all, runs[p]);
  return all.best;
}
