// expect: compile_error
// Leaves an OpenMP worksharing loop with break.
#include <vector>

long find_first(const std::vector<long>& v, long key) {
  const long n = static_cast<long>(v.size());
  long found = -1;
#pragma omp parallel for
  for (long i = 0; i < n; ++i) {
    if (v[i] == key) {
#pragma omp critical
      if (found < 0 || i < found) found = i;
      break;
    }
  }
  return found;
}
