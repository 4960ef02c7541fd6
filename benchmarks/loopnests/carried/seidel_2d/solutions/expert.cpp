#include <algorithm>
#include <vector>

// Wavefront over 64x64 blocks: block (bi, bj) needs blocks (bi-1, bj) and (bi, bj-1) of
// this sweep and (bi+1, bj), (bi, bj+1) still of the previous one, which holds for all
// blocks of one anti-diagonal; inside a block the serial order is kept.
void seidel_2d(double* __restrict__ a, int n, int steps) {
  const int m = n - 2;
  if (m <= 0) return;
  const int B = 64, nb = (m + B - 1) / B;
  for (int t = 0; t < steps; ++t) {
#pragma omp parallel
    for (int d = 0; d < 2 * nb - 1; ++d) {
      const int lo = std::max(0, d - nb + 1), hi = std::min(d, nb - 1);
#pragma omp for schedule(dynamic, 1)
      for (int bi = lo; bi <= hi; ++bi) {
        const int bj = d - bi;
        const int i1 = 1 + bi * B, i2 = std::min(n - 1, 1 + (bi + 1) * B);
        const int j1 = 1 + bj * B, j2 = std::min(n - 1, 1 + (bj + 1) * B);
        for (int i = i1; i < i2; ++i)
          for (int j = j1; j < j2; ++j)
            a[i * n + j] = 0.2 * (a[i * n + j] + a[(i - 1) * n + j] + a[(i + 1) * n + j] +
                                  a[i * n + j - 1] + a[i * n + j + 1]);
      }
    }
  }
}
