// expect: wrong_output
// Runs Kadane inside each thread's chunk and keeps the best chunk answer,
// missing every subarray that crosses a chunk boundary.
#include <algorithm>
#include <climits>
#include <vector>

long long max_subarray(const std::vector<int>& a) {
  const long n = static_cast<long>(a.size());
  if (n == 0) return 0;
  long long best = LLONG_MIN;
#pragma omp parallel reduction(max : best)
  {
    long long ending_here = 0;
    bool started = false;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) {
      ending_here = started ? std::max<long long>(a[i], ending_here + a[i]) : a[i];
      started = true;
      best = std::max(best, ending_here);
    }
  }
  return best;
}
