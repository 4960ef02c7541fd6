// problem: reduce/log_likelihood
// class 4: a parallel region that does nothing, then the serial loop
#include <cmath>
#include <vector>
#include <omp.h>
double log_likelihood(const std::vector<double>& p) {
  int team = 1;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
  }
  (void)team;
  double s = 0.0;
  for (double v : p) s += std::log(v);
  return s;
}
