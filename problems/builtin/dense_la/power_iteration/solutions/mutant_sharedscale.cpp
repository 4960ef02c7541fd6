// expect: race
#include <cmath>
#include <cstddef>
#include <vector>

// Every thread stores the same scale factor into one shared variable (no single/barrier):
// the value is always right, but the unsynchronized writes and reads are a data race.
double power_iteration(const std::vector<double>& A, std::vector<double>& x, std::size_t dim,
                       int iters) {
  double norm2 = 0.0;
  for (std::size_t i = 0; i < dim; ++i) norm2 += x[i] * x[i];
  if (norm2 == 0.0) return 0.0;
  const double inv = 1.0 / std::sqrt(norm2);
  for (std::size_t i = 0; i < dim; ++i) x[i] *= inv;
  std::vector<double> y(dim);
  double lambda = 0.0;
  double scale = 0.0;
  for (int it = 0; it < iters; ++it) {
    double dot = 0.0, ynorm2 = 0.0;
#pragma omp parallel
    {
#pragma omp for schedule(static) reduction(+ : dot, ynorm2)
      for (std::size_t i = 0; i < dim; ++i) {
        double s = 0.0;
        for (std::size_t j = 0; j < dim; ++j) s += A[i * dim + j] * x[j];
        y[i] = s;
        dot += x[i] * s;
        ynorm2 += s * s;
      }
      scale = ynorm2 == 0.0 ? 0.0 : 1.0 / std::sqrt(ynorm2);
      if (scale != 0.0) {
#pragma omp for schedule(static)
        for (std::size_t i = 0; i < dim; ++i) x[i] = y[i] * scale;
      }
    }
    lambda = dot;
    if (ynorm2 == 0.0) return lambda;
  }
  return lambda;
}
