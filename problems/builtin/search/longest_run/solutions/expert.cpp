#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
// Runs of one non-empty block: the run at its start, the run at its end, the
// longest inside, its length, and its first and last values.
struct Runs {
  long head, tail, best, len;
  int first, last;
};

Runs scan_block(const int* v, long lo, long hi) {
  long head = 1;
  while (lo + head < hi && v[lo + head] == v[lo]) ++head;
  long tail = 1;
  while (hi - 1 - tail >= lo && v[hi - 1 - tail] == v[hi - 1]) ++tail;
  long best = 1, current = 1;  // the serial loop, over this block only
  for (long i = lo + 1; i < hi; ++i) {
    current = v[i] == v[i - 1] ? current + 1 : 1;
    best = std::max(best, current);
  }
  return Runs{head, tail, best, hi - lo, v[lo], v[hi - 1]};
}

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

long longest_run(const std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
  if (n == 0) return 0;
  const int parts = static_cast<int>(std::min<long>(n, omp_get_max_threads()));
  std::vector<Runs> runs(parts);
#pragma omp parallel for schedule(static, 1) num_threads(parts)
  for (int p = 0; p < parts; ++p) runs[p] = scan_block(v.data(), n * p / parts, n * (p + 1) / parts);
  Runs all = runs[0];
  for (int p = 1; p < parts; ++p) all = join(all, runs[p]);
  return all.best;
}
