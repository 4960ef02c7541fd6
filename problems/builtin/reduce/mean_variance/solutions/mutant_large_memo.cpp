// expect: wrong_output
// State across calls above the test sizes: from 60000 elements the mean is memoized by size
// (the variance is recomputed around the stale mean). No difftest call reaches 60000.
#include <vector>
void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  static std::size_t memo_n = 0;
  static double memo_mean = 0.0;
  const std::size_t n = x.size();
  if (n == 0) { mean = 0.0; var = 0.0; return; }
  double m;
  if (n > 60000 && n == memo_n) {
    m = memo_mean;
  } else {
    double sum = 0.0;
#pragma omp parallel for reduction(+ : sum)
    for (long i = 0; i < (long)n; ++i) sum += x[i];
    m = sum / (double)n;
    if (n > 60000) { memo_n = n; memo_mean = m; }
  }
  double sq = 0.0;
#pragma omp parallel for reduction(+ : sq)
  for (long i = 0; i < (long)n; ++i) { const double d = x[i] - m; sq += d * d; }
  mean = m;
  var = sq / (double)n;
}
