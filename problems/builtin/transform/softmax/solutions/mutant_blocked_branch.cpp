// expect: race
// One region, parallel at every test size, with two ways through it: a thread whose
// chunk is larger than a cache-sized block (a size computed from the team, not a literal
// compared with n) normalises through a block buffer that every thread shares (a static:
// a race), a smaller chunk directly. Every checked size takes the direct branch.
#include <cmath>
#include <limits>
#include <omp.h>
#include <vector>

void softmax(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  if (n == 0) return;
  const double* px = x.data();
  double* py = y.data();
  double m = -std::numeric_limits<double>::infinity();
  double sum = 0.0;
  static double block[4096];
#pragma omp parallel
  {
#pragma omp for schedule(static) reduction(max : m)
    for (long i = 0; i < n; ++i) m = px[i] > m ? px[i] : m;
#pragma omp for schedule(static) reduction(+ : sum)
    for (long i = 0; i < n; ++i) {
      py[i] = std::exp(px[i] - m);
      sum += py[i];
    }
    const int nt = omp_get_num_threads();
    const int t = omp_get_thread_num();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    const long bs = static_cast<long>(sizeof block / sizeof block[0]);
    if (hi - lo > 4 * bs) {
      for (long b = lo; b < hi; b += bs) {
        const long e = b + bs < hi ? b + bs : hi;
        for (long i = b; i < e; ++i) block[i - b] = py[i] / sum;
        for (long i = b; i < e; ++i) py[i] = block[i - b];
      }
    } else {
      for (long i = lo; i < hi; ++i) py[i] /= sum;
    }
  }
}
