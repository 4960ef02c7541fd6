// problem: transform/sigmoid
// class 2: an inner parallel region sharing a scratch buffer: safe only while nesting is off
#include <cmath>
#include <vector>
#include <omp.h>
void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
  const long blocks = 4;
#pragma omp parallel for schedule(static)
  for (long b = 0; b < blocks; ++b) {
    const long lo = n * b / blocks, hi = n * (b + 1) / blocks;
    static thread_local std::vector<double> e;
    e.resize(hi - lo + 1);
    double* scratch = e.data();
#pragma omp parallel for schedule(static)
    for (long i = lo; i < hi; ++i) {
      scratch[i - lo] = std::exp(-x[i]);
      y[i] = 1.0 / (1.0 + scratch[i - lo]);
    }
  }
}
