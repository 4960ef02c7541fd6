// expect: race
#include <cstddef>
#include <vector>

// "Double-checked" minimum: the shared best is read outside the critical section to skip
// the lock. The update itself is re-checked under the lock, so the result is right, but
// the unlocked read races with other threads' writes.
double closest_pair(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2) return -1.0;
  double best = -1.0;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      const double d = dx * dx + dy * dy;
      if (best < 0.0 || d < best) {
#pragma omp critical
        if (best < 0.0 || d < best) best = d;
      }
    }
  }
  return best;
}
