// expect: wrong_output
// Each thread normalizes its chunk by its own partial sum: right at one thread,
// wrong as soon as the work is split.
#include <algorithm>
#include <cmath>
#include <vector>

void softmax(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  if (n == 0) return;
  const double m = *std::max_element(x.begin(), x.end());
#pragma omp parallel
  {
    double local = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) {
      y[i] = std::exp(x[i] - m);
      local += y[i];
    }
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) y[i] /= local;
  }
}
