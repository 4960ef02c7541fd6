#include <vector>

// q rows are independent; s is an array sum over rows: private partial s per thread.
void bicg(const double* __restrict__ A, const double* __restrict__ r, const double* __restrict__ p,
          double* __restrict__ s, double* __restrict__ q, int n) {
  for (int j = 0; j < n; ++j) s[j] = 0.0;
#pragma omp parallel
  {
    std::vector<double> part(n, 0.0);
#pragma omp for schedule(static) nowait
    for (int i = 0; i < n; ++i) {
      double qi = 0.0;
      for (int j = 0; j < n; ++j) {
        part[j] += r[i] * A[i * n + j];
        qi += A[i * n + j] * p[j];
      }
      q[i] = qi;
    }
#pragma omp critical
    for (int j = 0; j < n; ++j) s[j] += part[j];
  }
}
