// expect: wrong_output
// Blocks sized for omp_get_max_threads() threads, with dynamic adjustment turned off so
// that the team "must" have that many. Called from a user's parallel region (nested
// regions off, the default) the team has one thread: blocks 1.. are never scanned. The
// old checks called it only from the main thread.
#include <algorithm>
#include <vector>
#include <omp.h>

void running_max(const std::vector<double>& in, std::vector<double>& out) {
  if (in.empty()) return;
  omp_set_dynamic(0);
  const int T = omp_get_max_threads();
  const long n = static_cast<long>(in.size());
  std::vector<double> block_max(static_cast<std::size_t>(T), in[0]);
#pragma omp parallel num_threads(T)
  {
    const int t = omp_get_thread_num();
    const long lo = n * t / T, hi = n * (t + 1) / T;
    double best = lo < hi ? in[lo] : in[0];
    for (long i = lo; i < hi; ++i) {
      best = std::max(best, in[i]);
      out[i] = best;
    }
    block_max[t] = best;
#pragma omp barrier
    double carry = in[0];
    for (int b = 0; b < t; ++b) carry = std::max(carry, block_max[b]);
    for (long i = lo; i < hi; ++i) out[i] = std::max(out[i], carry);
  }
}
