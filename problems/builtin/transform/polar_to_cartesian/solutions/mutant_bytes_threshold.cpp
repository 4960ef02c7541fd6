// expect: race|wrong_output
// Parallel once the four arrays outgrow 4 MB, a threshold written in bytes: n > 131072.
// Above it the threads also bump a shared progress counter without synchronisation (a
// race the output does not show). The race plan reads the literal as 4 MB /
// (4 * sizeof(double)) elements; read as an element count (n > 4194304) it was out of the
// reference's budget and the correct sibling (no counter) was `unchecked`.
#include <cmath>
#include <cstddef>
#include <vector>

long bytes_points_converted = 0;

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  const std::size_t n = r.size();
  const bool big = 4 * n * sizeof(double) > (4u << 20);
#pragma omp parallel for if (big) schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = r[i] * std::cos(theta[i]);
    y[i] = r[i] * std::sin(theta[i]);
    ++bytes_points_converted;
  }
}
