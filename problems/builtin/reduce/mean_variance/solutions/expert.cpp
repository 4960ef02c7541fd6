#include <cstddef>
#include <vector>

void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(x.size());
  if (n == 0) {
    mean = 0.0;
    var = 0.0;
    return;
  }
  const double* data = x.data();
  double sum = 0.0;
  double squares = 0.0;
  double m = 0.0;
#pragma omp parallel
  {
    // Two passes inside one parallel region; the same static schedule keeps
    // each thread on the same (cache-warm) chunk in both passes.
#pragma omp for schedule(static) reduction(+ : sum)
    for (std::ptrdiff_t i = 0; i < n; ++i) sum += data[i];
#pragma omp single
    m = sum / static_cast<double>(n);
#pragma omp for schedule(static) reduction(+ : squares)
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const double d = data[i] - m;
      squares += d * d;
    }
  }
  mean = m;
  var = squares / static_cast<double>(n);
}
