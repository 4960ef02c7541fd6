// problem: reduce/argmax_first
// class 3: the update is in a critical section, the test before it is not
#include <vector>
long argmax_first(const std::vector<int>& v) {
  if (v.empty()) return -1;
  long best = 0;
  const long n = (long)v.size();
#pragma omp parallel
  {
    long b = -1;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) if (b < 0 || v[i] > v[b]) b = i;
    if (b >= 0 && (v[b] > v[best] || (v[b] == v[best] && b < best))) {
#pragma omp critical
      if (v[b] > v[best] || (v[b] == v[best] && b < best)) best = b;
    }
  }
  return best;
}
