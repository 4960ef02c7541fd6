// expect: wrong_output
// The first step is peeled out of the loop so that the normalization of x is fused into
// the first product (y = A x / |x|, one pass over x fewer). The peeled step runs even
// when iters is 0, where the reference only normalizes x and returns 0.
#include <cmath>
#include <cstddef>
#include <vector>

double power_iteration(const std::vector<double>& A, std::vector<double>& x, std::size_t dim,
                       int iters) {
  double norm2 = 0.0;
#pragma omp parallel for reduction(+ : norm2)
  for (std::size_t i = 0; i < dim; ++i) norm2 += x[i] * x[i];
  if (norm2 == 0.0) return 0.0;
  const double inv = 1.0 / std::sqrt(norm2);
  std::vector<double> y(dim);
  double lambda = 0.0;
  for (int it = 0; it == 0 || it < iters; ++it) {
    const double in_scale = it == 0 ? inv : 1.0;  // step 0 reads the unnormalized x
    double dot = 0.0, ynorm2 = 0.0;
#pragma omp parallel
    {
#pragma omp for schedule(static)
      for (std::size_t i = 0; i < dim; ++i) {
        const double* row = A.data() + i * dim;
        double s = 0.0;
        for (std::size_t j = 0; j < dim; ++j) s += row[j] * x[j];
        y[i] = s * in_scale;
      }
#pragma omp for reduction(+ : dot, ynorm2) schedule(static)
      for (std::size_t i = 0; i < dim; ++i) {
        dot += x[i] * in_scale * y[i];
        ynorm2 += y[i] * y[i];
      }
    }
    lambda = dot;
    if (ynorm2 == 0.0) {
      if (it == 0) {
        for (std::size_t i = 0; i < dim; ++i) x[i] *= inv;
      }
      return lambda;
    }
    const double scale = 1.0 / std::sqrt(ynorm2);
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < dim; ++i) x[i] = y[i] * scale;
  }
  return lambda;
}
