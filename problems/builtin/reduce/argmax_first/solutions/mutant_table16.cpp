// expect: wrong_output
// Environment: per-thread results in a fixed table of 16 slots (thread ids wrap with & 15),
// enough on the machines the author tried. With more than 16 threads two threads share a
// slot and one's candidate is lost; difftest's largest team was 5 threads.
#include <vector>
#include <omp.h>
long argmax_first(const std::vector<int>& v) {
  if (v.empty()) return -1;
  long best_at[16];
  int seen = 1;
  const long n = (long)v.size();
  for (int t = 0; t < 16; ++t) best_at[t] = -1;
#pragma omp parallel
  {
    const int t = omp_get_thread_num() & 15;
#pragma omp single
    seen = omp_get_num_threads() < 16 ? omp_get_num_threads() : 16;
    long b = -1;
#pragma omp for schedule(static) nowait
    for (long i = 0; i < n; ++i) if (b < 0 || v[i] > v[b]) b = i;
    if (b >= 0) best_at[t] = b;
  }
  long best = -1;
  for (int t = 0; t < seen; ++t)
    if (best_at[t] >= 0 && (best < 0 || v[best_at[t]] > v[best] || (v[best_at[t]] == v[best] && best_at[t] < best))) best = best_at[t];
  return best;
}
