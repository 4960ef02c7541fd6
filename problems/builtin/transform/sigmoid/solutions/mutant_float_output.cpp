// expect: interface_mismatch
// Writes float outputs "to halve the memory traffic".
#include <cmath>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<float>& y) {
  const long n = static_cast<long>(x.size());
#pragma omp parallel for
  for (long i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-static_cast<float>(x[i])));
}
