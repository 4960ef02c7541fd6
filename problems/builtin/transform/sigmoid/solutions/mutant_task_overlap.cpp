// expect: race
// An interleaving-only task race: one task per 64-element block, and a last task for the
// remainder that starts one element early (off by one), so it writes y[full*64-1] as the
// last full block's task does, with no `depend` between them. The output is right
// whichever task wins; the detector sees the conflict only when those two tasks run on
// different threads (the creating thread usually runs both: it pops its newest tasks first).
#include <cmath>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long block = 64;
  const long full = n / block;
#pragma omp parallel
#pragma omp single
  {
    for (long b = 0; b < full; ++b) {
#pragma omp task firstprivate(b) shared(x, y)
      for (long i = b * block; i < (b + 1) * block; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
    }
    const long rest = full > 0 ? full * block - 1 : 0;
#pragma omp task firstprivate(rest) shared(x, y)
    for (long i = rest; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
  }
}
