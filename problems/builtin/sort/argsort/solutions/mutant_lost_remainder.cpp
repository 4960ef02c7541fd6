// expect: wrong_output
// Gives every thread n / nt indices to sort and merges them, but the n % nt
// indices left over at the end are never sorted into place.
#include <algorithm>
#include <numeric>
#include <omp.h>
#include <vector>

void argsort(const std::vector<double>& x, std::vector<long>& idx) {
  const long n = static_cast<long>(x.size());
  std::iota(idx.begin(), idx.end(), 0L);
  auto less = [&](long a, long b) { return x[a] < x[b]; };
  long chunk = 0, nt = 1;
#pragma omp parallel
  {
#pragma omp single
    {
      nt = omp_get_num_threads();
      chunk = n / nt;
    }
    const long t = omp_get_thread_num();
    std::stable_sort(idx.begin() + t * chunk, idx.begin() + (t + 1) * chunk, less);
  }
  for (long t = 1; t < nt; ++t) {
    std::inplace_merge(idx.begin(), idx.begin() + t * chunk, idx.begin() + (t + 1) * chunk, less);
  }
}
