// expect: interface_mismatch
// Returns the results through pointers instead of references.
#include <cstddef>
#include <vector>

void mean_variance(const std::vector<double>& x, double* mean, double* var) {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(x.size());
  if (n == 0) {
    *mean = 0.0;
    *var = 0.0;
    return;
  }
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum)
  for (std::ptrdiff_t i = 0; i < n; ++i) sum += x[i];
  const double m = sum / static_cast<double>(n);
  double squares = 0.0;
#pragma omp parallel for reduction(+ : squares)
  for (std::ptrdiff_t i = 0; i < n; ++i) squares += (x[i] - m) * (x[i] - m);
  *mean = m;
  *var = squares / static_cast<double>(n);
}
