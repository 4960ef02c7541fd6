// expect: wrong_output
// Off by one in the block scan: each block takes the maximum of the blocks up to
// and INCLUDING itself as its carry, so early elements see later values.
#include <algorithm>
#include <omp.h>
#include <vector>

void running_max(const std::vector<double>& in, std::vector<double>& out) {
  const long n = static_cast<long>(in.size());
  if (n == 0) return;
  std::vector<double> block_max(omp_get_max_threads(), -1e300);
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    double best = -1e300;
    for (long i = lo; i < hi; ++i) {
      best = std::max(best, in[i]);
      out[i] = best;
    }
    block_max[t] = best;
#pragma omp barrier
    double carry = -1e300;
    for (int k = 0; k <= t; ++k) carry = std::max(carry, block_max[k]);
    for (long i = lo; i < hi; ++i) out[i] = std::max(out[i], carry);
  }
}
