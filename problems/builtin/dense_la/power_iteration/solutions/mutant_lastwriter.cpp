// expect: wrong_output
#include <cmath>
#include <cstddef>
#include <vector>

// Each thread sums its own rows, then copies its partial sum into the shared total:
// the last thread to write wins, so with more than one thread the norm is too small.
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
    double dot = 0.0, ynorm2 = 0.0;
#pragma omp parallel
    {
      double my_dot = 0.0, my_norm2 = 0.0;
#pragma omp for schedule(static)
      for (std::size_t i = 0; i < dim; ++i) {
        double s = 0.0;
        for (std::size_t j = 0; j < dim; ++j) s += A[i * dim + j] * x[j];
        y[i] = s;
        my_dot += x[i] * s;
        my_norm2 += s * s;
      }
#pragma omp critical
      {
        dot = my_dot;
        ynorm2 = my_norm2;
      }
    }
    lambda = dot;
    if (ynorm2 == 0.0) return lambda;
    const double scale = 1.0 / std::sqrt(ynorm2);
    for (std::size_t i = 0; i < dim; ++i) x[i] = y[i] * scale;
  }
  return lambda;
}
