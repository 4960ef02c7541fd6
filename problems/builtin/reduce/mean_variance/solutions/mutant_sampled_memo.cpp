// expect: wrong_output
// State across calls: the result is memoized under a key of the size and three sampled
// elements (first, middle, last). Every fresh input differs there, and a repeated input
// deserves the memo, so this passed; an input that changes elsewhere gets a stale answer.
#include <cstddef>
#include <vector>
void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  static std::size_t memo_n = 0;
  static double memo_key[3] = {0, 0, 0};
  static double memo_mean = 0, memo_var = 0;
  const std::size_t n = x.size();
  if (n == 0) { mean = 0.0; var = 0.0; return; }
  const double key[3] = {x[0], x[n / 2], x[n - 1]};
  if (n == memo_n && key[0] == memo_key[0] && key[1] == memo_key[1] && key[2] == memo_key[2]) {
    mean = memo_mean; var = memo_var; return;
  }
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum)
  for (long i = 0; i < (long)n; ++i) sum += x[i];
  const double m = sum / (double)n;
  double sq = 0.0;
#pragma omp parallel for reduction(+ : sq)
  for (long i = 0; i < (long)n; ++i) { const double d = x[i] - m; sq += d * d; }
  mean = m; var = sq / (double)n;
  memo_n = n; memo_key[0] = key[0]; memo_key[1] = key[1]; memo_key[2] = key[2];
  memo_mean = mean; memo_var = var;
}
