// expect: race
// A race that shows only at a small size, through `nowait`: every output is computed in a
// `for nowait` loop, then the masked thread recomputes the zero-padded left edge y[0..4)
// without waiting. Those elements are in the masked thread's own chunk while
// n / threads >= 4; below that another thread's chunk writes them at the same time
// (equal values, so the output is right; it is still a data race). The old race step ran
// only at n = 1000.
#include <vector>

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long taps = static_cast<long>(k.size());
  const long half = taps / 2;
#pragma omp parallel
  {
#pragma omp for nowait schedule(static)
    for (long i = 0; i < n; ++i) {
      double sum = 0.0;
      for (long j = 0; j < taps; ++j) {
        const long src = i + j - half;
        if (src >= 0 && src < n) sum += k[j] * x[src];
      }
      y[i] = sum;
    }
#pragma omp masked
    for (long i = 0; i < half && i < n; ++i) {  // the left edge, padded with zeros
      double sum = 0.0;
      for (long j = half - i; j < taps && i + j - half < n; ++j) sum += k[j] * x[i + j - half];
      y[i] = sum;
    }
  }
}
