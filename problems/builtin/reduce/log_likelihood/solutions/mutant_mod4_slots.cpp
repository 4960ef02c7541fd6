// expect: race|wrong_output
// Races that need more threads: per-thread partial sums in 4 slots (tid % 4), so two threads
// share a slot only from 5 threads up. The race step ran 2, 3 and 4 threads.
#include <cmath>
#include <vector>
#include <omp.h>
double log_likelihood(const std::vector<double>& p) {
  double part[4] = {0, 0, 0, 0};
  const long n = (long)p.size();
#pragma omp parallel
  {
    double s = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) s += std::log(p[i]);
    part[omp_get_thread_num() % 4] += s;
  }
  return part[0] + part[1] + part[2] + part[3];
}
