// expect: wrong_output
// Manual chunking with n / nt elements per thread: the last n % nt outputs are
// never written.
#include <cmath>
#include <omp.h>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long chunk = n / nt;
    for (long i = t * chunk; i < (t + 1) * chunk; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
  }
}
