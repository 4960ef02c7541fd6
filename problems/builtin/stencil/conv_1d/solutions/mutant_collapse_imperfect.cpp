// expect: compile_error
// collapse(2) over an output loop whose body is not just the inner loop.
#include <vector>

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long taps = static_cast<long>(k.size()), half = taps / 2;
#pragma omp parallel for collapse(2)
  for (long i = 0; i < n; ++i) {
    double sum = 0.0;
    for (long j = 0; j < taps; ++j) {
      const long src = i + j - half;
      if (src >= 0 && src < n) sum += k[j] * x[src];
    }
    y[i] = sum;
  }
}
