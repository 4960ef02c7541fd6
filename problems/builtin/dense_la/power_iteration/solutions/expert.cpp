#include <cmath>
#include <cstddef>
#include <vector>

// One parallel region for the whole iteration: rows of the product are split across
// threads, the two sums are OpenMP reductions, the barriers order the phases.
double power_iteration(const std::vector<double>& A, std::vector<double>& x, std::size_t dim,
                       int iters) {
  double norm2 = 0.0;
#pragma omp parallel for reduction(+ : norm2)
  for (std::size_t i = 0; i < dim; ++i) norm2 += x[i] * x[i];
  if (norm2 == 0.0) return 0.0;
  const double inv = 1.0 / std::sqrt(norm2);
  std::vector<double> y(dim);
  double lambda = 0.0;
  double dot = 0.0, ynorm2 = 0.0;
  bool stop = false;
#pragma omp parallel
  {
#pragma omp for
    for (std::size_t i = 0; i < dim; ++i) x[i] *= inv;
    for (int it = 0; it < iters && !stop; ++it) {
#pragma omp for schedule(static)
      for (std::size_t i = 0; i < dim; ++i) {
        const double* row = A.data() + i * dim;
        double s = 0.0;
        for (std::size_t j = 0; j < dim; ++j) s += row[j] * x[j];
        y[i] = s;
      }
#pragma omp single
      {
        dot = 0.0;
        ynorm2 = 0.0;
      }
#pragma omp for reduction(+ : dot, ynorm2)
      for (std::size_t i = 0; i < dim; ++i) {
        dot += x[i] * y[i];
        ynorm2 += y[i] * y[i];
      }
      // Implicit barrier above: every thread sees the final sums.
      const double scale = ynorm2 == 0.0 ? 0.0 : 1.0 / std::sqrt(ynorm2);
#pragma omp single
      {
        lambda = dot;
        if (ynorm2 == 0.0) stop = true;
      }
      if (ynorm2 != 0.0) {
#pragma omp for
        for (std::size_t i = 0; i < dim; ++i) x[i] = y[i] * scale;
      }
    }
  }
  return lambda;
}
