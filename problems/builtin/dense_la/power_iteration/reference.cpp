#include <cmath>
#include <cstddef>
#include <vector>

double power_iteration(const std::vector<double>& A, std::vector<double>& x, std::size_t dim,
                       int iters) {
  double norm2 = 0.0;
  for (std::size_t i = 0; i < dim; ++i) norm2 += x[i] * x[i];
  if (norm2 == 0.0) return 0.0;
  const double inv = 1.0 / std::sqrt(norm2);
  for (std::size_t i = 0; i < dim; ++i) x[i] *= inv;

  std::vector<double> y(dim);
  double lambda = 0.0;
  for (int it = 0; it < iters; ++it) {
    for (std::size_t i = 0; i < dim; ++i) {
      double s = 0.0;
      for (std::size_t j = 0; j < dim; ++j) s += A[i * dim + j] * x[j];
      y[i] = s;
    }
    double dot = 0.0, ynorm2 = 0.0;
    for (std::size_t i = 0; i < dim; ++i) {
      dot += x[i] * y[i];
      ynorm2 += y[i] * y[i];
    }
    lambda = dot;
    if (ynorm2 == 0.0) return lambda;
    const double scale = 1.0 / std::sqrt(ynorm2);
    for (std::size_t i = 0; i < dim; ++i) x[i] = y[i] * scale;
  }
  return lambda;
}
