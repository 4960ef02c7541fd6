#include <vector>

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long half = static_cast<long>(k.size()) / 2;
  for (long i = 0; i < n; ++i) {
    double sum = 0.0;
    for (long j = 0; j < static_cast<long>(k.size()); ++j) {
      const long src = i + j - half;
      if (src >= 0 && src < n) sum += k[j] * x[src];
    }
    y[i] = sum;
  }
}
