// problem: reduce/log_likelihood
// (correct) blocks in an outer team, each summed by an inner team with a reduction
#include <cmath>
#include <vector>
double log_likelihood(const std::vector<double>& p) {
  const long n = (long)p.size();
  double part[4] = {0, 0, 0, 0};
#pragma omp parallel for schedule(static)
  for (long b = 0; b < 4; ++b) {
    const long lo = n * b / 4, hi = n * (b + 1) / 4;
    double s = 0.0;
#pragma omp parallel for reduction(+ : s) schedule(static)
    for (long i = lo; i < hi; ++i) s += std::log(p[i]);
    part[b] = s;
  }
  return part[0] + part[1] + part[2] + part[3];
}
