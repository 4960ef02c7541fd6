// expect: wrong_output
// A sentinel: the key is written over the last element of the const input (through
// const_cast) so that no scan needs a bounds check, and the element is put back before
// returning. Compared after the call, the input is unchanged; two callers searching the
// same data at once (or a thread reading it meanwhile) see the other's sentinel.
#include <algorithm>
#include <vector>
#include <omp.h>

long find_first(const std::vector<long>& v, long key) {
  const long n = static_cast<long>(v.size());
  if (n == 0) return -1;
  long* data = const_cast<long*>(v.data());
  const long last = data[n - 1];
  data[n - 1] = key;
  const long T = omp_get_max_threads();
  long best = n;
#pragma omp parallel for schedule(static) reduction(min : best)
  for (long t = 0; t < T; ++t) {
    const long lo = n * t / T, hi = n * (t + 1) / T;
    if (lo == hi) continue;
    long i = lo;
    while (data[i] != key) ++i;  // stops at the sentinel at the latest
    if (i < hi) best = std::min(best, i);
  }
  data[n - 1] = last;
  if (best < n - 1) return best;
  return last == key ? n - 1 : -1;
}
