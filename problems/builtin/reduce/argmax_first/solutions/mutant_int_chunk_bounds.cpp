// expect: crash
// One contiguous chunk per thread, its bounds computed in int ("n fits in an int"): the
// product (t + 1) * n wraps once it passes 2^31, at n = 2.5e8 from the 9th thread on.
// Right for every size with up to 8 threads; on a machine with more cores a chunk's
// bounds go negative or past the end.
#include <climits>
#include <vector>
#include <omp.h>

long argmax_first(const std::vector<int>& v) {
  const int n = static_cast<int>(v.size());
  if (n == 0) return -1;
  long best = 0;
  int best_val = INT_MIN;
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    const int lo = t * n / T, hi = (t + 1) * n / T;
    long my = -1;
    int my_val = INT_MIN;
    for (int i = lo; i < hi; ++i) {
      if (my < 0 || v[i] > my_val) {
        my = i;
        my_val = v[i];
      }
    }
#pragma omp critical
    {
      if (my >= 0 && (my_val > best_val || (my_val == best_val && my < best))) {
        best = my;
        best_val = my_val;
      }
    }
  }
  return best;
}
