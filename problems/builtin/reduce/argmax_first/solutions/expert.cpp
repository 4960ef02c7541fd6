#include <algorithm>
#include <climits>
#include <omp.h>
#include <vector>

// Two cheap passes per thread instead of one branchy one: the maximum of the
// chunk (a plain max reduction the compiler vectorizes), then the first index
// holding it (usually found early). The per-thread answers are combined in
// chunk order, so ties resolve to the smallest index.
long argmax_first(const std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
  if (n == 0) return -1;
  const int* data = v.data();
  const int maxt = omp_get_max_threads();
  std::vector<int> best_value(maxt, INT_MIN);
  std::vector<long> best_index(maxt, -1);
  int used = 1;
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    if (lo < hi) {
      int m = INT_MIN;
      for (long i = lo; i < hi; ++i) m = std::max(m, data[i]);
      long i = lo;
      while (data[i] != m) ++i;
      best_value[t] = m;
      best_index[t] = i;
    }
    if (t == 0) used = nt;
  }
  long best = -1;
  for (int t = 0; t < used; ++t) {
    if (best_index[t] >= 0 && (best < 0 || best_value[t] > data[best])) best = best_index[t];
  }
  return best;
}
