// expect: interface_mismatch
// Declares the arrays with int elements instead of long.
#include <omp.h>
#include <vector>

void prefix_sum(const std::vector<int>& in, std::vector<int>& out) {
  const long n = static_cast<long>(in.size());
  std::vector<long> offset(omp_get_max_threads() + 1, 0);
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    long running = 0;
    for (long i = lo; i < hi; ++i) {
      running += in[i];
      out[i] = static_cast<int>(running);
    }
    offset[t + 1] = running;
#pragma omp barrier
#pragma omp single
    for (int k = 1; k <= nt; ++k) offset[k] += offset[k - 1];
    for (long i = lo; i < hi; ++i) out[i] += static_cast<int>(offset[t]);
  }
}
