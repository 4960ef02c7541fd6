// problem: reduce/log_likelihood
// class 2: blocks in an outer team, each block summed by an inner team into a shared
// block total without a reduction: right only while nested teams have one thread
#include <cmath>
#include <vector>
double log_likelihood(const std::vector<double>& p) {
  const long n = (long)p.size();
  const long blocks = 4;
  double part[4] = {0, 0, 0, 0};
#pragma omp parallel for schedule(static)
  for (long b = 0; b < blocks; ++b) {
    const long lo = n * b / blocks, hi = n * (b + 1) / blocks;
#pragma omp parallel for schedule(static)
    for (long i = lo; i < hi; ++i) part[b] += std::log(p[i]);
  }
  return part[0] + part[1] + part[2] + part[3];
}
