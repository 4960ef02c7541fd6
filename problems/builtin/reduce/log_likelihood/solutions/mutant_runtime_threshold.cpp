// expect: race
// A racy loop behind a threshold computed at run time: the team starts only when every
// thread gets more than 8192 elements (n > omp_get_max_threads() * 8192, no literal the
// race plan can read), and there the sum is shared (no reduction). Every test size runs
// serially, so difftest and a race step at the test sizes see correct serial code.
#include <cmath>
#include <omp.h>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  const long n = static_cast<long>(p.size());
  const long per_thread = 8192;
  double total = 0.0;
  if (n > omp_get_max_threads() * per_thread) {
#pragma omp parallel for
    for (long i = 0; i < n; ++i) total += std::log(p[i]);
  } else {
    for (long i = 0; i < n; ++i) total += std::log(p[i]);
  }
  return total;
}
