#include <algorithm>
#include <vector>

// Anti-diagonal wavefront: cells with i + j = d depend only on diagonals d-1 and d-2.
// Blocks of 64x64 cells keep the rows in cache: block diagonals run in parallel.
void lcs_table(const int* __restrict__ a, const int* __restrict__ b, int* __restrict__ dp, int n) {
  const int w = n + 1;
  const int B = 64;
  const int nb = (n + B - 1) / B;
#pragma omp parallel
  for (int d = 0; d < 2 * nb - 1; ++d) {
    const int lo = std::max(0, d - nb + 1), hi = std::min(d, nb - 1);
#pragma omp for schedule(dynamic, 1)
    for (int bi = lo; bi <= hi; ++bi) {
      const int bj = d - bi;
      const int i1 = bi * B + 1, i2 = std::min(n, (bi + 1) * B);
      const int j1 = bj * B + 1, j2 = std::min(n, (bj + 1) * B);
      for (int i = i1; i <= i2; ++i)
        for (int j = j1; j <= j2; ++j)
          dp[i * w + j] = a[i - 1] == b[j - 1] ? dp[(i - 1) * w + j - 1] + 1
                                               : std::max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
    }
  }
}
