// expect: race|wrong_output
// Races that need another size: each point sets its bit in a byte-packed "done" mask
// (done[i / 8] |= 1 << (i % 8)), which races whenever a thread's chunk boundary falls
// inside a byte. At the old race step's size (4000) with 2 or 4 threads every boundary
// is a multiple of 8; an odd size or 3 threads puts one inside a byte.
#include <cstddef>
#include <cstdint>
#include <vector>

void kmeans_step(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& cx,
                 std::vector<double>& cy, std::vector<int>& labels, std::vector<std::int64_t>& counts) {
  constexpr int K = 16;
  const std::size_t n = x.size();
  double ccx[K], ccy[K], sx[K] = {}, sy[K] = {};
  std::int64_t cnt[K] = {};
  for (int c = 0; c < K; ++c) {
    ccx[c] = cx[c];
    ccy[c] = cy[c];
  }
  const double* xs = x.data();
  const double* ys = y.data();
  int* lab = labels.data();
  std::vector<unsigned char> done((n + 7) / 8, 0);
  unsigned char* bits = done.data();
#pragma omp parallel for schedule(static) reduction(+ : sx[:K], sy[:K], cnt[:K])
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = xs[i], yi = ys[i];
    int best = 0;
    double best_d = 0.0;
    for (int c = 0; c < K; ++c) {
      const double dx = xi - ccx[c], dy = yi - ccy[c];
      const double d = dx * dx + dy * dy;
      if (c == 0 || d < best_d) {
        best = c;
        best_d = d;
      }
    }
    lab[i] = best;
    bits[i >> 3] = static_cast<unsigned char>(bits[i >> 3] | (1u << (i & 7)));
    sx[best] += xi;
    sy[best] += yi;
    ++cnt[best];
  }
  for (std::size_t i = 0; i < n; ++i)  // every point labelled? (a safety net that never fires)
    if (!(done[i >> 3] >> (i & 7) & 1u)) lab[i] = 0;
  for (int c = 0; c < K; ++c) {
    counts[c] = cnt[c];
    if (cnt[c] > 0) {
      cx[c] = sx[c] / static_cast<double>(cnt[c]);
      cy[c] = sy[c] / static_cast<double>(cnt[c]);
    }
  }
}
