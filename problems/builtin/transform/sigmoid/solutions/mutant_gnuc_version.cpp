// expect: suspect
// Asks for the compiler's version: clang defines __GNUC__ as 4, g++ 12 as 12, so the
// tested build takes the racy branch (every thread writes y[0] as well) and the race
// build the correct one. A defined-test of __GNUC__ is the same in both builds and is
// allowed (the usual `__restrict__` guard); its value is not.
#include <cmath>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
#if __GNUC__ >= 5
#pragma omp parallel for
  for (long i = 0; i < n; ++i) {
    y[i] = 1.0 / (1.0 + std::exp(-x[i]));
    if (n > 0) y[0] = 1.0 / (1.0 + std::exp(-x[0]));
  }
#else
#pragma omp parallel for
  for (long i = 0; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
#endif
}
