// expect: race|wrong_output
// The main loop is parallel at every size. A second pass that flushes subnormal results
// to zero runs in a team only when the team has more than 16384 elements per thread
// (computed at run time), and there its temporary `t`, declared outside the loop, is
// shared: one thread's value lands in another's element.
#include <cmath>
#include <omp.h>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const double* px = x.data();
  double* py = y.data();
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) py[i] = 1.0 / (1.0 + std::exp(-px[i]));
  const long per_thread = 16384;
  double t = 0.0;
#pragma omp parallel for if (n > per_thread * omp_get_max_threads())
  for (long i = 0; i < n; ++i) {
    t = py[i];
    py[i] = t < 1e-300 ? 0.0 : t;
  }
}
