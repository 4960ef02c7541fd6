#include <vector>

void matvec_rows(const double* __restrict__ A, const double* __restrict__ x,
                 double* __restrict__ y, int n) {
  for (int i = 0; i < n; ++i) {
    double s = 0.0;
    for (int j = 0; j < n; ++j) s += A[i * n + j] * x[j];
    y[i] = s;
  }
}
