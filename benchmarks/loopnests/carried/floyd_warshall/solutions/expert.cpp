#include <vector>

// With non-negative weights, row k and column k do not change during step k
// (d[k][k] >= 0), so the rows i of one step are independent. An analysis that does not
// know the weights' sign cannot prove this.
void floyd_warshall(double* __restrict__ d, int n) {
  for (int k = 0; k < n; ++k) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; ++i) {
      const double dik = d[i * n + k];
      for (int j = 0; j < n; ++j) {
        const double via = dik + d[k * n + j];
        if (via < d[i * n + j]) d[i * n + j] = via;
      }
    }
  }
}
