#include <cmath>
#include <vector>

void row_normalize(double* __restrict__ A, int n) {
  for (int i = 0; i < n; ++i) {
    double s = 0.0;
    for (int j = 0; j < n; ++j) s += A[i * n + j] * A[i * n + j];
    s = std::sqrt(s);
    if (s > 0.0)
      for (int j = 0; j < n; ++j) A[i * n + j] /= s;
  }
}
