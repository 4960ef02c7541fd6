// problem: scan/running_max
// class 7: pragmas built by stringizing; a shared "sorted" flag written by every thread
#include <algorithm>
#include <vector>
#include <omp.h>
#define DO_PRAGMA(x) _Pragma(#x)
#define PAR(x) DO_PRAGMA(omp x)
void running_max(const std::vector<double>& in, std::vector<double>& out) {
  const long n = (long)in.size();
  if (n == 0) return;
  std::vector<double> block_max(64, -1e300);
  int nt = 1;
  bool sorted = true;
  PAR(parallel)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    PAR(single)
    nt = T;
    const long lo = n * t / T, hi = n * (t + 1) / T;
    double best = lo < hi ? in[lo] : -1e300;
    for (long i = lo; i < hi; ++i) { if (i > lo && in[i] < in[i - 1]) sorted = false; best = std::max(best, in[i]); out[i] = best; }
    block_max[t] = best;
    PAR(barrier)
    double carry = -1e300;
    for (int u = 0; u < t; ++u) carry = std::max(carry, block_max[u]);
    for (long i = lo; i < hi; ++i) out[i] = std::max(out[i], carry);
  }
  (void)nt; (void)sorted;
}
