// expect: wrong_output
// Ceil-sized chunks with an off-by-one end: the last element of every chunk is
// skipped.
#include <algorithm>
#include <cmath>
#include <omp.h>
#include <vector>

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(r.size());
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long chunk = (n + nt - 1) / nt;
    const long lo = t * chunk, hi = std::min(n, lo + chunk) - 1;
    for (long i = lo; i < hi; ++i) {
      x[i] = r[i] * std::cos(theta[i]);
      y[i] = r[i] * std::sin(theta[i]);
    }
  }
}
