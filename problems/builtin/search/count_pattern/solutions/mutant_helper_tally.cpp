// expect: race
// A reduction for the count (race-free at every size), plus the number of windows
// compared, kept for the caller's statistics through one small helper. Each thread adds
// to its own padded slot (summed at the end) unless every thread has a long stretch of
// text (more than 8192 windows per thread, computed at run time): then straight to the
// global, unsynchronized, from every thread. The helper is inlined at both call sites,
// and every block of its two copies is placed at the helper's own line and column.
#include <omp.h>
#include <vector>

long count_pattern_windows = 0;

namespace {
struct alignas(64) Slot {
  long windows = 0;
};

inline void add_windows(long* total, long k) { *total += k; }
}  // namespace

long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const long n = static_cast<long>(text.size()), m = static_cast<long>(pat.size());
  if (m == 0 || n < m) return 0;
  const int* t = text.data();
  const int* p = pat.data();
  const long windows = n - m + 1;
  const long long_stretch = 8192L * omp_get_max_threads();
  std::vector<Slot> slots(static_cast<std::size_t>(omp_get_max_threads()));
  long count = 0;
#pragma omp parallel reduction(+ : count)
  {
    Slot& mine = slots[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (long i = 0; i < windows; ++i) {
      long j = 0;
      while (j < m && t[i + j] == p[j]) ++j;
      count += j == m;
      if (windows > long_stretch)
        add_windows(&count_pattern_windows, 1);
      else
        add_windows(&mine.windows, 1);
    }
  }
  long compared = 0;
  for (const Slot& s : slots) compared += s.windows;
#pragma omp atomic
  count_pattern_windows += compared;
  return count;
}
