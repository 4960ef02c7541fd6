#include <algorithm>
#include <vector>

// Tiled wavefront. The interior is cut into B x B tiles; inside a tile points
// are visited in the serial order. Tile (I, J) needs tiles (I-1, J) and
// (I, J-1) finished and (I+1, J), (I, J+1) not yet started, which holds when
// the tiles of one anti-diagonal I + J = d run concurrently and the diagonals
// run in order. Every point then sees exactly the values the serial sweep
// sees, so the result is bit-identical.
void gauss_seidel(std::vector<double>& u, const std::vector<double>& f, int n, int sweeps) {
  if (n < 3) return;
  const long w = n, m = n - 2;
  const long B = 128;
  const long T = (m + B - 1) / B;
  double* p = u.data();
  const double* q = f.data();
#pragma omp parallel
  for (int s = 0; s < sweeps; ++s) {
    for (long d = 0; d < 2 * T - 1; ++d) {
      const long first = std::max(0L, d - (T - 1)), last = std::min(d, T - 1);
#pragma omp for schedule(dynamic, 1)
      for (long ti = first; ti <= last; ++ti) {
        const long tj = d - ti;
        const long i0 = 1 + ti * B, i1 = std::min(i0 + B, w - 1);
        const long j0 = 1 + tj * B, j1 = std::min(j0 + B, w - 1);
        for (long i = i0; i < i1; ++i) {
          double* row = p + i * w;
          const double* up = row - w;
          const double* down = row + w;
          const double* rhs = q + i * w;
          for (long j = j0; j < j1; ++j) row[j] = 0.25 * (up[j] + down[j] + row[j - 1] + row[j + 1] + rhs[j]);
        }
      }
    }
  }
}
