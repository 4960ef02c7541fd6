#include <algorithm>
#include <omp.h>
#include <vector>

// Stable task-parallel merge sort of the indices. The leaves sort
// (value, index) pairs so that the comparisons touch contiguous memory instead
// of gathering x[i] at random.
#define SORT_LEAF std::sort
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
struct Item {
  double value;
  long index;
};
struct ItemLess {
  bool operator()(const Item& a, const Item& b) const {
    return a.value < b.value || (a.value == b.value && a.index < b.index);
  }
};
}  // namespace

void argsort(const std::vector<double>& x, std::vector<long>& idx) {
  const long n = static_cast<long>(x.size());
  std::vector<Item> items(n);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) items[i] = Item{x[i], i};
  // The comparison includes the index, so any sort (std::sort leaves too)
  // gives the stable order.
  parallel_sort(items.data(), n, ItemLess());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) idx[i] = items[i].index;
}
