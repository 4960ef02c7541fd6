// expect: race
// Right reductions, but every thread (instead of one) stores 1 / sum into a
// shared variable and then reads it: all write the same value, so the output
// is right, yet the accesses race.
#include <cmath>
#include <limits>
#include <vector>

void softmax(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  if (n == 0) return;
  double m = -std::numeric_limits<double>::infinity();
  double sum = 0.0;
  double inv = 0.0;
#pragma omp parallel
  {
#pragma omp for reduction(max : m)
    for (long i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
#pragma omp for reduction(+ : sum)
    for (long i = 0; i < n; ++i) {
      y[i] = std::exp(x[i] - m);
      sum += y[i];
    }
    inv = 1.0 / sum;
#pragma omp for
    for (long i = 0; i < n; ++i) y[i] *= inv;
  }
}
