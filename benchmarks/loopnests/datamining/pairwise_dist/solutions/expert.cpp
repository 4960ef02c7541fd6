#include <cmath>
#include <vector>

void pairwise_dist(const double* __restrict__ X, double* __restrict__ D, int n) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double s = 0.0;
      for (int d = 0; d < 8; ++d) {
        const double t = X[i * 8 + d] - X[j * 8 + d];
        s += t * t;
      }
      D[i * n + j] = std::sqrt(s);
    }
  }
}
