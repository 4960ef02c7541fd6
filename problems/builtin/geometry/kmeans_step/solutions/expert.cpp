#include <cstddef>
#include <cstdint>
#include <vector>

// Labelling is independent per point; the per-cluster sums and counts are array
// reductions (OpenMP array sections on plain arrays: each thread gets private copies,
// combined at the end of the loop).
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
    sx[best] += xi;
    sy[best] += yi;
    ++cnt[best];
  }
  for (int c = 0; c < K; ++c) {
    counts[c] = cnt[c];
    if (cnt[c] > 0) {
      cx[c] = sx[c] / static_cast<double>(cnt[c]);
      cy[c] = sy[c] / static_cast<double>(cnt[c]);
    }
  }
}
