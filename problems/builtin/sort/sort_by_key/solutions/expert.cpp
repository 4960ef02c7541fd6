#include <algorithm>
#include <omp.h>
#include <utility>
#include <vector>

// Stable task-parallel merge sort of the pairs: std::stable_sort on the leaves,
// stable merges split recursively so the last merge also runs on every thread.
#define SORT_LEAF std::stable_sort
namespace {
const long kLeaf = 1 << 14;   // below this, sort or merge serially
const long kCopy = 1 << 16;   // elements per copy-back task

// Stable merge of sorted [a, a+na) and [b, b+nb) into out, split into tasks:
// the longer input is cut at its middle and the other one at the matching
// bound, so that ties still take the element of `a` first.
template <class T, class Less>
void merge_tasks(const T* a, long na, const T* b, long nb, T* out, Less less) {
  if (na + nb <= kLeaf) {
    std::merge(a, a + na, b, b + nb, out, less);
    return;
  }
  long ia, ib;
  if (na >= nb) {
    ia = na / 2;
    ib = std::lower_bound(b, b + nb, a[ia], less) - b;  // b's elements < a[ia]
  } else {
    ib = nb / 2;
    ia = std::upper_bound(a, a + na, b[ib], less) - a;  // a's elements <= b[ib]
  }
#pragma omp task default(none) firstprivate(a, b, out, ia, ib, less)
  merge_tasks(a, ia, b, ib, out, less);
  merge_tasks(a + ia, na - ia, b + ib, nb - ib, out + ia + ib, less);
#pragma omp taskwait
}

// Stable sort of [a, a+n) using tmp (same length) as scratch.
template <class T, class Less>
void sort_tasks(T* a, T* tmp, long n, int depth, Less less) {
  if (depth == 0 || n <= kLeaf) {
    SORT_LEAF(a, a + n, less);
    return;
  }
  const long mid = n / 2;
#pragma omp task default(none) firstprivate(a, tmp, mid, depth, less)
  sort_tasks(a, tmp, mid, depth - 1, less);
  sort_tasks(a + mid, tmp + mid, n - mid, depth - 1, less);
#pragma omp taskwait
  merge_tasks(a, mid, a + mid, n - mid, tmp, less);
  for (long lo = 0; lo < n; lo += kCopy) {
#pragma omp task default(none) firstprivate(a, tmp, lo, n)
    std::copy(tmp + lo, tmp + std::min(n, lo + kCopy), a + lo);
  }
#pragma omp taskwait
}

template <class T, class Less>
void parallel_sort(T* a, long n, Less less) {
  if (n <= kLeaf) {
    SORT_LEAF(a, a + n, less);
    return;
  }
  std::vector<T> tmp(n);
  int depth = 2;  // 4 leaves per thread for load balance
  for (int t = omp_get_max_threads(); t > 1; t /= 2) ++depth;
#pragma omp parallel
#pragma omp single nowait
  sort_tasks(a, tmp.data(), n, depth, less);
}
}  // namespace

namespace {
struct KeyLess {
  bool operator()(const std::pair<int, int>& x, const std::pair<int, int>& y) const {
    return x.first < y.first;
  }
};
}  // namespace

void sort_by_key(std::vector<int>& keys, std::vector<int>& vals) {
  const long n = static_cast<long>(keys.size());
  std::vector<std::pair<int, int>> pairs(n);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) pairs[i] = {keys[i], vals[i]};
  parallel_sort(pairs.data(), n, KeyLess());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    keys[i] = pairs[i].first;
    vals[i] = pairs[i].second;
  }
}
