// problem: transform/sigmoid
// (correct) a different schedule above 100000 elements, and no state
#include <cmath>
#include <vector>
void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
  if (n > 100000) {
#pragma omp parallel for schedule(dynamic, 4096)
    for (long i = 0; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
    return;
  }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
}
