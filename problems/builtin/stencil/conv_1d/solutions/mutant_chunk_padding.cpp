// expect: wrong_output
// Each thread copies its chunk of x into a private buffer and convolves that,
// padding with zeros at the chunk's edges instead of reading the neighbors'
// elements: outputs next to chunk boundaries lose terms.
#include <omp.h>
#include <vector>

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long taps = static_cast<long>(k.size()), half = taps / 2;
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    std::vector<double> local(x.begin() + lo, x.begin() + hi);
    const long m = hi - lo;
    for (long i = 0; i < m; ++i) {
      double sum = 0.0;
      for (long j = 0; j < taps; ++j) {
        const long src = i + j - half;
        if (src >= 0 && src < m) sum += k[j] * local[src];
      }
      y[lo + i] = sum;
    }
  }
}
