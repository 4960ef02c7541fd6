// expect: wrong_output
// Gives each thread the same fraction of a and of b and merges the pieces side
// by side: only right when both arrays have the same distribution of values.
#include <algorithm>
#include <omp.h>
#include <vector>

void merge_sorted(const std::vector<long>& a, const std::vector<long>& b, std::vector<long>& out) {
  const long n = static_cast<long>(a.size());
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    std::merge(a.begin() + lo, a.begin() + hi, b.begin() + lo, b.begin() + hi, out.begin() + 2 * lo);
  }
}
