// expect: wrong_output
// One parallel pass computing E[x^2] - E[x]^2: catastrophic cancellation for
// data far from zero.
#include <cstddef>
#include <vector>

void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(x.size());
  if (n == 0) {
    mean = 0.0;
    var = 0.0;
    return;
  }
  double sum = 0.0;
  double sum_sq = 0.0;
#pragma omp parallel for reduction(+ : sum, sum_sq)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    sum += x[i];
    sum_sq += x[i] * x[i];
  }
  mean = sum / static_cast<double>(n);
  var = sum_sq / static_cast<double>(n) - mean * mean;
}
