// expect: wrong_output
// Parallel loop over blocks where every block restarts the recurrence from 0:
// the value carried in from the previous block is lost.
#include <omp.h>
#include <vector>

void linear_recurrence(const std::vector<double>& a, const std::vector<double>& b,
                       std::vector<double>& y) {
  const long n = static_cast<long>(a.size());
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    double prev = 0.0;
    for (long i = lo; i < hi; ++i) {
      prev = a[i] * prev + b[i];
      y[i] = prev;
    }
  }
}
