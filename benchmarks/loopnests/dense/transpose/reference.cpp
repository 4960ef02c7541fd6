#include <vector>

void transpose(const double* __restrict__ A, double* __restrict__ B, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) B[j * n + i] = A[i * n + j];
}
