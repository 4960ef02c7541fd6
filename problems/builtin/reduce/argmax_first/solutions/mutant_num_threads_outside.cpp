// expect: crash
// Sizes the per-thread table with omp_get_num_threads() outside the parallel
// region (always 1 there), then indexes it by thread id inside.
#include <climits>
#include <omp.h>
#include <vector>

long argmax_first(const std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
  std::vector<long> part(omp_get_num_threads(), -1);
#pragma omp parallel
  {
    long li = -1;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) {
      if (li < 0 || v[i] > v[li]) li = i;
    }
    part.at(omp_get_thread_num()) = li;
  }
  long best = -1;
  for (long i : part) {
    if (i >= 0 && (best < 0 || v[i] > v[best] || (v[i] == v[best] && i < best))) best = i;
  }
  return best;
}
