// expect: race
// Two passes, each split in two halves by an outer team of two (parallel at every size).
// Inside a half, a nested region gets a team of its own only when the half is longer than
// 4096 elements per thread (computed at run time), and its accumulator, declared in the
// half, is shared by that inner team. At every checked size the inner team is one thread:
// the outer team is parallel, so per-block "ran in a team" cannot tell; the inner region's
// own team size can.
#include <omp.h>
#include <vector>

void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  const long n = static_cast<long>(x.size());
  if (n == 0) {
    mean = 0.0;
    var = 0.0;
    return;
  }
  const double* px = x.data();
  omp_set_max_active_levels(2);
  const int inner = n / 2 > 4096L * omp_get_max_threads() ? 2 : 1;
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) num_threads(2)
  for (int h = 0; h < 2; ++h) {
    const long lo = h * (n / 2), hi = h ? n : n / 2;
    double part = 0.0;
#pragma omp parallel for num_threads(inner)
    for (long i = lo; i < hi; ++i) part += px[i];
    sum += part;
  }
  mean = sum / static_cast<double>(n);
  double squares = 0.0;
#pragma omp parallel for reduction(+ : squares)
  for (long i = 0; i < n; ++i) {
    const double d = px[i] - mean;
    squares += d * d;
  }
  var = squares / static_cast<double>(n);
}
