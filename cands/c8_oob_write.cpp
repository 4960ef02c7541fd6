// problem: transform/sigmoid
// memory: the loop runs to i <= n, writing one element past the output
#include <cmath>
#include <vector>
void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
  double* out = y.data();
  const double* in = x.data();
#pragma omp parallel for schedule(static)
  for (long i = 0; i <= n; ++i) out[i] = 1.0 / (1.0 + std::exp(-(i < n ? in[i] : 0.0)));
}
