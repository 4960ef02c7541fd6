// expect: unchecked
// A race behind OpenMP the race build's compiler lacks: every thread also writes y[0]
// (the same value, so outputs match), and `#pragma omp nothing` (OpenMP 5.1, accepted by
// g++ 12, unknown to clang 14) keeps the race build from compiling. The race check cannot
// run, so the verdict is `unchecked`, never a pass.
#include <cmath>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
#pragma omp nothing
#pragma omp parallel for
  for (long i = 0; i < n; ++i) {
    y[i] = 1.0 / (1.0 + std::exp(-x[i]));
    y[0] = 1.0 / (1.0 + std::exp(-x[0]));
  }
}
