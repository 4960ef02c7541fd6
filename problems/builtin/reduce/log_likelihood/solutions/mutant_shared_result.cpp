// expect: race
// The reduction is right, but every thread then stores the (same) final value
// into a shared variable without synchronization: a write-write data race that
// never changes the result.
#include <cmath>
#include <cstddef>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(p.size());
  double total = 0.0;
  double result = 0.0;
#pragma omp parallel
  {
#pragma omp for reduction(+ : total)
    for (std::ptrdiff_t i = 0; i < n; ++i) total += std::log(p[i]);
    result = total;
  }
  return result;
}
