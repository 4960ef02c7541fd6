// problem: reduce/log_likelihood
// class 3: per-thread partial sums in 4 slots (tid % 4): two threads share a slot from 5 threads up
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
