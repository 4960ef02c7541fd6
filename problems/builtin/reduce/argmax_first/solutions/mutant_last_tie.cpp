// expect: wrong_output
// Uses >= inside each chunk, so on ties it keeps the LAST index of the maximum
// instead of the first one.
#include <climits>
#include <vector>

long argmax_first(const std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
  int best_value = INT_MIN;
  long best_index = -1;
#pragma omp parallel
  {
    int lv = INT_MIN;
    long li = -1;
#pragma omp for schedule(static) nowait
    for (long i = 0; i < n; ++i) {
      if (v[i] >= lv) {
        lv = v[i];
        li = i;
      }
    }
#pragma omp critical
    {
      if (li >= 0 && (best_index < 0 || lv > best_value || (lv == best_value && li < best_index))) {
        best_value = lv;
        best_index = li;
      }
    }
  }
  return best_index;
}
