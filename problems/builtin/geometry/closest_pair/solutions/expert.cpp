#include <cstddef>
#include <limits>
#include <vector>

// The pair loop is triangular: row i has n-1-i pairs, so rows are dealt out dynamically
// in small chunks. The minimum is an OpenMP min-reduction; the inner loop has no branch
// and vectorizes.
double closest_pair(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2) return -1.0;
  const double* xs = x.data();
  const double* ys = y.data();
  double best = std::numeric_limits<double>::infinity();
#pragma omp parallel for schedule(dynamic, 32) reduction(min : best)
  for (std::size_t i = 0; i < n - 1; ++i) {
    const double xi = xs[i], yi = ys[i];
    double row = std::numeric_limits<double>::infinity();
#pragma omp simd reduction(min : row)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double dx = xi - xs[j], dy = yi - ys[j];
      const double d = dx * dx + dy * dy;
      row = d < row ? d : row;
    }
    best = row < best ? row : best;
  }
  return best;
}
