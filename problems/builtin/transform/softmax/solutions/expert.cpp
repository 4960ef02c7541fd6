#include <cmath>
#include <limits>
#include <vector>

// Three worksharing loops in one parallel region, all with the same static
// schedule so each thread keeps its chunk of y in cache between them.
void softmax(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  if (n == 0) return;
  const double* px = x.data();
  double* py = y.data();
  double m = -std::numeric_limits<double>::infinity();
  double sum = 0.0;
#pragma omp parallel
  {
#pragma omp for schedule(static) reduction(max : m)
    for (long i = 0; i < n; ++i) m = px[i] > m ? px[i] : m;
#pragma omp for schedule(static) reduction(+ : sum)
    for (long i = 0; i < n; ++i) {
      py[i] = std::exp(px[i] - m);
      sum += py[i];
    }
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) py[i] /= sum;
  }
}
