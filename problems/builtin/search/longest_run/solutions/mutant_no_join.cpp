// expect: wrong_output
// Finds the longest run inside each thread's chunk and takes the maximum,
// never joining runs that cross a chunk boundary.
#include <algorithm>
#include <omp.h>
#include <vector>

long longest_run(const std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
  if (n == 0) return 0;
  long best = 1;
#pragma omp parallel reduction(max : best)
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    long current = 1;
    for (long i = lo + 1; i < hi; ++i) {
      current = v[i] == v[i - 1] ? current + 1 : 1;
      best = std::max(best, current);
    }
  }
  return best;
}
