// expect: crash
// Recursive task merge sort whose base case never triggers for one element:
// sorting [lo, lo + 1) recurses on itself until the stack overflows.
#include <algorithm>
#include <vector>

static void msort(int* a, int* tmp, long n) {
  if (n < 1) return;
  const long mid = n / 2;
#pragma omp task if (n > 10000)
  msort(a, tmp, mid);
  msort(a + mid, tmp + mid, n - mid);
#pragma omp taskwait
  std::merge(a, a + mid, a + mid, a + n, tmp);
  std::copy(tmp, tmp + n, a);
}

void sort_ints(std::vector<int>& v) {
  std::vector<int> tmp(v.size());
#pragma omp parallel
#pragma omp single
  msort(v.data(), tmp.data(), static_cast<long>(v.size()));
}
