// problem: transform/softmax
// class 5: exp(x) / sum exp(x) without subtracting the max: inf/inf = NaN once x > 709
#include <cmath>
#include <vector>
void softmax(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (long i = 0; i < n; ++i) { y[i] = std::exp(x[i]); sum += y[i]; }
  const double inv = 1.0 / sum;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) y[i] *= inv;
}
