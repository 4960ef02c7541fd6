// expect: race
// Correct conversion, plus a shared progress counter bumped without
// synchronization. It is never part of the output, but the updates race.
#include <cmath>
#include <vector>

long points_converted = 0;

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(r.size());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    x[i] = r[i] * std::cos(theta[i]);
    y[i] = r[i] * std::sin(theta[i]);
    ++points_converted;
  }
}
