#include <algorithm>
#include <vector>

// 32x32 tiles (both matrices touched in cache-line-sized runs), tiles split across threads.
void transpose(const double* __restrict__ A, double* __restrict__ B, int n) {
  const int T = 32;
#pragma omp parallel for collapse(2) schedule(static)
  for (int ii = 0; ii < n; ii += T)
    for (int jj = 0; jj < n; jj += T)
      for (int i = ii; i < std::min(ii + T, n); ++i)
        for (int j = jj; j < std::min(jj + T, n); ++j) B[j * n + i] = A[i * n + j];
}
