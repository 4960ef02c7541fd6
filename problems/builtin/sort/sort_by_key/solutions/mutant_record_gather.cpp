// expect: race
// Records (key, value, position) are gathered into sorted order in parallel, each thread
// copying its block of records whole. For long inputs each block's end is rounded up to a
// page (512 records), so a thread also writes the first records of the next block, which
// its owner writes at the same time: the same records, so the output is right, but the
// writes race. A record is 16 bytes: each copy is one aggregate assignment, which the
// compiler expands into plain moves, not a memcpy call. The rounding is computed at run
// time: the same instructions at every size.
#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
struct Record {
  int key, val;
  long pos;
};
}  // namespace

void sort_by_key(std::vector<int>& keys, std::vector<int>& vals) {
  const long n = static_cast<long>(keys.size());
  std::vector<Record> recs(n), sorted(n);
  std::vector<long> order(n);
#pragma omp parallel for
  for (long i = 0; i < n; ++i) {
    recs[i] = Record{keys[i], vals[i], i};
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](long a, long b) { return recs[a].key < recs[b].key; });
  const long page = 512;
  const long big = static_cast<long>(omp_get_max_threads()) * 8192;
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = t * n / nt, end = (t + 1) * n / nt;
    const long over = (n > big) * (page - end % page);  // no branch: the same path
    const long hi = std::min(n, end + over);
    for (long i = lo; i < hi; ++i) sorted[i] = recs[order[i]];
#pragma omp barrier
#pragma omp for
    for (long i = 0; i < n; ++i) {
      keys[i] = sorted[i].key;
      vals[i] = sorted[i].val;
    }
  }
}
