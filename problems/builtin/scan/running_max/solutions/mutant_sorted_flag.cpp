// expect: race
// Correct block scan, plus a "fast path" flag that every thread clears without
// synchronization when it sees a descent. All writers store the same value and
// the flag never changes the result, but the writes race.
#include <algorithm>
#include <omp.h>
#include <vector>

void running_max(const std::vector<double>& in, std::vector<double>& out) {
  const long n = static_cast<long>(in.size());
  if (n == 0) return;
  std::vector<double> block_max(omp_get_max_threads(), -1e300);
  bool ascending = true;
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    double best = -1e300;
    for (long i = lo; i < hi; ++i) {
      if (i > 0 && in[i] < in[i - 1]) ascending = false;
      best = std::max(best, in[i]);
      out[i] = best;
    }
    block_max[t] = best;
#pragma omp barrier
    double carry = -1e300;
    for (int k = 0; k < t; ++k) carry = std::max(carry, block_max[k]);
    for (long i = lo; i < hi; ++i) out[i] = std::max(out[i], carry);
  }
  if (ascending) {
    for (long i = 0; i < n; ++i) out[i] = in[i];
  }
}
