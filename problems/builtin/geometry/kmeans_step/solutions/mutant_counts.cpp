// expect: wrong_output
#include <cstddef>
#include <cstdint>
#include <vector>

// Per-thread partial sums merged under a lock, but the counts are assigned instead of
// added: with several threads only the last thread's counts survive.
void kmeans_step(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& cx,
                 std::vector<double>& cy, std::vector<int>& labels, std::vector<std::int64_t>& counts) {
  const std::size_t k = cx.size();
  std::vector<double> sx(k, 0.0), sy(k, 0.0);
  std::vector<std::int64_t> cnt(k, 0);
#pragma omp parallel
  {
    std::vector<double> lx(k, 0.0), ly(k, 0.0);
    std::vector<std::int64_t> lc(k, 0);
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < x.size(); ++i) {
      int best = 0;
      double best_d = 0.0;
      for (std::size_t c = 0; c < k; ++c) {
        const double dx = x[i] - cx[c], dy = y[i] - cy[c];
        const double d = dx * dx + dy * dy;
        if (c == 0 || d < best_d) {
          best = static_cast<int>(c);
          best_d = d;
        }
      }
      labels[i] = best;
      lx[best] += x[i];
      ly[best] += y[i];
      ++lc[best];
    }
#pragma omp critical
    for (std::size_t c = 0; c < k; ++c) {
      sx[c] += lx[c];
      sy[c] += ly[c];
      cnt[c] = lc[c];
    }
  }
  for (std::size_t c = 0; c < k; ++c) {
    counts[c] = cnt[c];
    if (cnt[c] > 0) {
      cx[c] = sx[c] / static_cast<double>(cnt[c]);
      cy[c] = sy[c] / static_cast<double>(cnt[c]);
    }
  }
}
