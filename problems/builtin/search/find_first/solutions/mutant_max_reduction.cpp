// expect: wrong_output
// Uses a max reduction from -1 (min does not work with the -1 sentinel), which
// returns the LAST match instead of the first.
#include <vector>

long find_first(const std::vector<long>& v, long key) {
  const long n = static_cast<long>(v.size());
  long found = -1;
#pragma omp parallel for reduction(max : found)
  for (long i = 0; i < n; ++i) {
    if (v[i] == key && found < 0) found = i;
  }
  return found;
}
