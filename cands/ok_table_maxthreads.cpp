// problem: reduce/argmax_first
// (correct) per-thread results in a table sized by the team that actually runs
#include <vector>
#include <omp.h>
long argmax_first(const std::vector<int>& v) {
  if (v.empty()) return -1;
  std::vector<long> best_at(omp_get_max_threads(), -1);
  const long n = (long)v.size();
  int team = 1;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
    long b = -1;
#pragma omp for schedule(static) nowait
    for (long i = 0; i < n; ++i) if (b < 0 || v[i] > v[b]) b = i;
    best_at[omp_get_thread_num()] = b;
  }
  long best = -1;
  for (int t = 0; t < team; ++t)
    if (best_at[t] >= 0 && (best < 0 || v[best_at[t]] > v[best] || (v[best_at[t]] == v[best] && best_at[t] < best))) best = best_at[t];
  return best;
}
