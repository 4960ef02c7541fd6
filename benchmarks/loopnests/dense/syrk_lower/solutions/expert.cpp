#include <vector>

// Row i costs i+1 dot products: dynamic scheduling balances the triangle.
void syrk_lower(const double* __restrict__ A, double* __restrict__ C, int n) {
#pragma omp parallel for schedule(dynamic, 4)
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = 0.0;
      for (int k = 0; k < n; ++k) s += A[i * n + k] * A[j * n + k];
      C[i * n + j] = s;
    }
  }
}
