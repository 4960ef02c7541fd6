#include <cmath>
#include <cstddef>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  const double* data = p.data();
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(p.size());
  double total = 0.0;
#pragma omp parallel for reduction(+ : total) schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) total += std::log(data[i]);
  return total;
}
