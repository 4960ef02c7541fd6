// expect: race
// Per-thread partial sums in a fixed table of 128 slots ("more threads than any node we
// run on has"), indexed by the thread number modulo 128, merged after the region. Right
// for teams up to 128 threads; on a machine with more hardware threads (or with
// OMP_NUM_THREADS above 128) threads t and t + 128 add into one slot at once.
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

namespace {
constexpr int kSlots = 128;
constexpr std::size_t kMaxK = 16;
struct alignas(64) Partial {
  double sx[kMaxK];
  double sy[kMaxK];
  std::int64_t cnt[kMaxK];
};
}  // namespace

void kmeans_step(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& cx,
                 std::vector<double>& cy, std::vector<int>& labels, std::vector<std::int64_t>& counts) {
  const std::size_t k = cx.size() < kMaxK ? cx.size() : kMaxK;
  const long n = static_cast<long>(x.size());
  std::vector<Partial> parts(kSlots, Partial{});
#pragma omp parallel
  {
    Partial& mine = parts[omp_get_thread_num() % kSlots];
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) {
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
      mine.sx[best] += x[i];
      mine.sy[best] += y[i];
      ++mine.cnt[best];
    }
  }
  for (std::size_t c = 0; c < k; ++c) {
    double sx = 0.0, sy = 0.0;
    std::int64_t cnt = 0;
    for (const Partial& p : parts) {
      sx += p.sx[c];
      sy += p.sy[c];
      cnt += p.cnt[c];
    }
    counts[c] = cnt;
    if (cnt > 0) {
      cx[c] = sx / static_cast<double>(cnt);
      cy[c] = sy / static_cast<double>(cnt);
    }
  }
}
