#include <cmath>
#include <vector>

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(r.size());
  const double* pr = r.data();
  const double* pt = theta.data();
  double* px = x.data();
  double* py = y.data();
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    px[i] = pr[i] * std::cos(pt[i]);
    py[i] = pr[i] * std::sin(pt[i]);
  }
}
