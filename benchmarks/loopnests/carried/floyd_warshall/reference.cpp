#include <vector>

void floyd_warshall(double* __restrict__ d, int n) {
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        const double via = d[i * n + k] + d[k * n + j];
        if (via < d[i * n + j]) d[i * n + j] = via;
      }
}
