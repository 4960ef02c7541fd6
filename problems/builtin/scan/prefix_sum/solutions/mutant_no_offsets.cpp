// expect: wrong_output
// Scans each thread's block independently and never adds the totals of the
// blocks before it: right at one thread only.
#include <omp.h>
#include <vector>

void prefix_sum(const std::vector<long>& in, std::vector<long>& out) {
  const long n = static_cast<long>(in.size());
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    long running = 0;
    for (long i = lo; i < hi; ++i) {
      running += in[i];
      out[i] = running;
    }
  }
}
