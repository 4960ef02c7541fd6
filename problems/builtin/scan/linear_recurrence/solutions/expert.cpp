#include <cmath>
#include <omp.h>
#include <vector>

// Each thread runs the recurrence over its block starting from 0 and tracks the
// product of its a's, so y_end = prod * y_in + local_end. The carries are chained
// by one thread, then each block adds prod_i * carry to its elements. That
// correction shrinks geometrically (|a| <= 0.95): the fix-up stops once it can
// no longer change the stored value, so the second pass touches only a short
// prefix of each block.
void linear_recurrence(const std::vector<double>& a, const std::vector<double>& b,
                       std::vector<double>& y) {
  const long n = static_cast<long>(a.size());
  if (n == 0) return;
  const double* pa = a.data();
  const double* pb = b.data();
  double* py = y.data();
  const int maxt = omp_get_max_threads();
  std::vector<double> prod(maxt, 1.0), last(maxt, 0.0), carry(maxt, 0.0);
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    double v = 0.0, p = 1.0;
    for (long i = lo; i < hi; ++i) {
      v = pa[i] * v + pb[i];
      py[i] = v;
    }
    if (t > 0) {
      for (long i = lo; i < hi && p != 0.0; ++i) p *= pa[i];
    }
    prod[t] = p;
    last[t] = v;
#pragma omp barrier
#pragma omp single
    for (int k = 1; k < nt; ++k) carry[k] = prod[k - 1] * carry[k - 1] + last[k - 1];
    const double c = carry[t];
    if (t > 0 && c != 0.0) {
      double q = 1.0;
      for (long i = lo; i < hi; ++i) {
        q *= pa[i];
        const double fix = q * c;
        if (std::fabs(fix) <= 1e-18 * std::fabs(py[i]) || fix == 0.0) break;
        py[i] += fix;
      }
    }
  }
}
