// expect: timeout
// Dataflow wavefront with one "sweeps done" counter per tile. Before sweep s a
// tile waits until it has finished s sweeps itself and the tiles above and to
// its left have finished s + 1, but a finished tile stores s instead of s + 1:
// the first wait on an earlier sweep never ends.
#include <algorithm>
#include <vector>

void gauss_seidel(std::vector<double>& u, const std::vector<double>& f, int n, int sweeps) {
  if (n < 3) return;
  const long w = n, m = n - 2;
  const long B = 16;
  const long T = (m + B - 1) / B;
  std::vector<int> done(T * T, 0);
  int* flags = done.data();
  // Tiles listed sweep by sweep, diagonal by diagonal, so that handing them out
  // in order can never deadlock a correct protocol.
  std::vector<long> order;
  for (long d = 0; d < 2 * T - 1; ++d) {
    for (long ti = std::max(0L, d - (T - 1)); ti <= std::min(d, T - 1); ++ti) order.push_back(ti * T + (d - ti));
  }
  const long tiles = static_cast<long>(order.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (long k = 0; k < sweeps * tiles; ++k) {
    const int s = static_cast<int>(k / tiles);
    const long tile = order[k % tiles];
    const long ti = tile / T, tj = tile % T;
    const long deps[3] = {tile, ti > 0 ? tile - T : -1, tj > 0 ? tile - 1 : -1};
    const int need[3] = {s, s + 1, s + 1};
    for (int d = 0; d < 3; ++d) {
      if (deps[d] < 0) continue;
      int seen;
      do {
#pragma omp atomic read
        seen = flags[deps[d]];
      } while (seen < need[d]);
    }
    const long i0 = 1 + ti * B, i1 = std::min(i0 + B, w - 1);
    const long j0 = 1 + tj * B, j1 = std::min(j0 + B, w - 1);
    for (long i = i0; i < i1; ++i) {
      for (long j = j0; j < j1; ++j) {
        const std::size_t c = static_cast<std::size_t>(i) * n + j;
        u[c] = 0.25 * (u[c - n] + u[c + n] + u[c - 1] + u[c + 1] + f[c]);
      }
    }
#pragma omp atomic write
    flags[tile] = s;
  }
}
