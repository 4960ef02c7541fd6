#include <cstddef>
#include <cstdint>
#include <vector>

void kmeans_step(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& cx,
                 std::vector<double>& cy, std::vector<int>& labels, std::vector<std::int64_t>& counts) {
  const std::size_t k = cx.size();
  std::vector<double> sx(k, 0.0), sy(k, 0.0);
  std::vector<std::int64_t> cnt(k, 0);
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
    sx[best] += x[i];
    sy[best] += y[i];
    ++cnt[best];
  }
  for (std::size_t c = 0; c < k; ++c) {
    counts[c] = cnt[c];
    if (cnt[c] > 0) {
      cx[c] = sx[c] / static_cast<double>(cnt[c]);
      cy[c] = sy[c] / static_cast<double>(cnt[c]);
    }
  }
}
