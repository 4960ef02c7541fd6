// expect: wrong_output
// State across calls: the output is memoized under a key of the sizes and a few sampled
// input elements (both ends and the middle of x, the centre tap of k). A fresh input differs
// at those positions and a repeated one deserves the memo; one that changed elsewhere does not.
#include <cstddef>
#include <vector>

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  static std::size_t memo_n = 0, memo_m = 0;
  static double memo_key[4] = {0, 0, 0, 0};
  static std::vector<double> memo_y;
  const long n = static_cast<long>(x.size());
  const long m = static_cast<long>(k.size());
  if (n > 0 && m > 0) {
    const double key[4] = {x[0], x[n / 2], x[n - 1], k[m / 2]};
    if (memo_n == x.size() && memo_m == k.size() && key[0] == memo_key[0] &&
        key[1] == memo_key[1] && key[2] == memo_key[2] && key[3] == memo_key[3]) {
      y = memo_y;
      return;
    }
    for (int j = 0; j < 4; ++j) memo_key[j] = key[j];
  }
  const long half = m / 2;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    double sum = 0.0;
    for (long j = 0; j < m; ++j) {
      const long src = i + j - half;
      if (src >= 0 && src < n) sum += k[j] * x[src];
    }
    y[i] = sum;
  }
  memo_n = x.size();
  memo_m = k.size();
  memo_y = y;
}
