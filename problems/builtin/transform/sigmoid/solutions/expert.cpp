#include <cmath>
#include <cstddef>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(x.size());
  const double* px = x.data();
  double* py = y.data();
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) py[i] = 1.0 / (1.0 + std::exp(-px[i]));
}
