// expect: wrong_output
// Parallel at every size and race-free, but a chunk longer than a size computed from the
// team (no literal the checks can read) takes a "streaming" path that stops one output
// short of the right edge: the last output keeps whatever the caller's buffer held. Every
// test and race size takes the exact path.
#include <omp.h>
#include <vector>

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long taps = static_cast<long>(k.size());
  const long half = taps / 2;
  const double* px = x.data();
  const double* pk = k.data();
  double* py = y.data();
  const long streaming = 8192L * omp_get_max_threads();
  const long last = n > streaming ? n - 1 : n;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < last; ++i) {
    double sum = 0.0;
    for (long j = 0; j < taps; ++j) {
      const long src = i + j - half;
      if (src >= 0 && src < n) sum += pk[j] * px[src];
    }
    py[i] = sum;
  }
}
