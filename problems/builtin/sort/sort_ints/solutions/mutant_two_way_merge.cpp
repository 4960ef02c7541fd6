// expect: wrong_output
// Sorts one chunk per thread, then merges as if there were exactly two chunks.
#include <algorithm>
#include <omp.h>
#include <vector>

void sort_ints(std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    std::sort(v.begin() + n * t / nt, v.begin() + n * (t + 1) / nt);
  }
  std::inplace_merge(v.begin(), v.begin() + n / 2, v.end());
}
