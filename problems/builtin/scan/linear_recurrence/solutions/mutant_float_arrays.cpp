// expect: interface_mismatch
// Switches the element type to float "for speed".
#include <omp.h>
#include <vector>

void linear_recurrence(const std::vector<float>& a, const std::vector<float>& b,
                       std::vector<float>& y) {
  const long n = static_cast<long>(a.size());
  float prev = 0.0f;
  for (long i = 0; i < n; ++i) {
    prev = a[i] * prev + b[i];
    y[i] = prev;
  }
}
