// expect: wrong_output
// Parallel merge sort whose chunks are sorted with std::sort: fast, but not
// stable, so pairs with equal keys come out reordered.
#include <algorithm>
#include <omp.h>
#include <utility>
#include <vector>

void sort_by_key(std::vector<int>& keys, std::vector<int>& vals) {
  const long n = static_cast<long>(keys.size());
  std::vector<std::pair<int, int>> pairs(n), tmp(n);
  for (long i = 0; i < n; ++i) pairs[i] = {keys[i], vals[i]};
  auto less = [](const std::pair<int, int>& x, const std::pair<int, int>& y) { return x.first < y.first; };
  std::vector<long> bounds;
#pragma omp parallel
  {
#pragma omp single
    {
      const long nt = omp_get_num_threads();
      for (long t = 0; t <= nt; ++t) bounds.push_back(n * t / nt);
    }
    const long t = omp_get_thread_num();
    std::sort(pairs.begin() + bounds[t], pairs.begin() + bounds[t + 1], less);
  }
  for (std::size_t t = 2; t < bounds.size(); ++t) {
    std::inplace_merge(pairs.begin(), pairs.begin() + bounds[t - 1], pairs.begin() + bounds[t], less);
  }
  for (long i = 0; i < n; ++i) {
    keys[i] = pairs[i].first;
    vals[i] = pairs[i].second;
  }
}
