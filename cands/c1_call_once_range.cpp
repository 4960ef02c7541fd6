// problem: sort/sort_ints
// class 1: counting-sort range fixed by std::call_once on the first non-empty input
#include <algorithm>
#include <mutex>
#include <vector>
#include <omp.h>
void sort_ints(std::vector<int>& v) {
  static std::once_flag once;
  static int lo = 0, hi = 0;
  if (v.size() < 2) return;
  std::call_once(once, [&] {
    auto mm = std::minmax_element(v.begin(), v.end());
    lo = *mm.first; hi = *mm.second;
  });
  if (hi - lo > (int)(4 * v.size()) + 1024 || *std::min_element(v.begin(), v.end()) < lo ||
      *std::max_element(v.begin(), v.end()) > hi) {
#pragma omp parallel
#pragma omp single
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<long> cnt(hi - lo + 1, 0);
  for (int x : v) ++cnt[x - lo];
  std::size_t k = 0;
  for (long b = 0; b < (long)cnt.size(); ++b)
    for (long c = 0; c < cnt[b]; ++c) v[k++] = (int)(b + lo);
}
