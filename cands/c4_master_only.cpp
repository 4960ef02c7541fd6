// problem: transform/sigmoid
// class 4: a team starts, but only the master thread works
#include <cmath>
#include <vector>
void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
#pragma omp parallel
  {
#pragma omp master
    for (long i = 0; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
  }
}
