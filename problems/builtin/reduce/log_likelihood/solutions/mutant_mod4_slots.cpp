// expect: wrong_output
// Wrong only with more threads: per-thread partial sums stored in 4 slots (tid % 4), so
// from 5 threads up two threads share a slot and one overwrites the other's sum (the race
// step runs 2, 3 and 4 threads; difftest's 5- and 65-thread runs see it every time). With
// `+=` instead the lost update is a matter of timing, a race or a wrong output by luck:
// the core categories declare one status.
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
    part[omp_get_thread_num() % 4] = s;
  }
  return part[0] + part[1] + part[2] + part[3];
}
