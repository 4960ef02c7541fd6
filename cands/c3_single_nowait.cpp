// problem: transform/softmax
// class 3: the max is computed by `single nowait`: other threads may read it before it is written
#include <algorithm>
#include <cmath>
#include <vector>
void softmax(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
  if (n == 0) return;
  double m = x[0], sum = 0.0;
#pragma omp parallel
  {
#pragma omp single nowait
    m = *std::max_element(x.begin(), x.end());
#pragma omp for reduction(+ : sum) schedule(static)
    for (long i = 0; i < n; ++i) { y[i] = std::exp(x[i] - m); sum += y[i]; }
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) y[i] /= sum;
  }
}
