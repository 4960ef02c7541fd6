#include <algorithm>
#include <vector>

namespace {
// One output, with the padding test (used only near the two ends).
inline double edge_output(const double* x, long n, const double* k, long taps, long i) {
  const long half = taps / 2;
  double sum = 0.0;
  for (long j = 0; j < taps; ++j) {
    const long src = i + j - half;
    if (src >= 0 && src < n) sum += k[j] * x[src];
  }
  return sum;
}
}  // namespace

// The outputs are independent: split them statically. The interior loop runs
// with the 9 taps in registers and no padding test; the sum keeps the serial
// term order, so results are bit-identical.
void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long taps = static_cast<long>(k.size());
  const long half = taps / 2;
  const double* px = x.data();
  const double* pk = k.data();
  double* py = y.data();
  const long lo = std::min(n, half), hi = std::max(lo, n - half);
  if (taps != 9) {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) py[i] = edge_output(px, n, pk, taps, i);
    return;
  }
  const double k0 = pk[0], k1 = pk[1], k2 = pk[2], k3 = pk[3], k4 = pk[4], k5 = pk[5], k6 = pk[6],
               k7 = pk[7], k8 = pk[8];
#pragma omp parallel
  {
#pragma omp for schedule(static) nowait
    for (long i = lo; i < hi; ++i) {
      const double* s = px + i - 4;
      double sum = 0.0;
      sum += k0 * s[0];
      sum += k1 * s[1];
      sum += k2 * s[2];
      sum += k3 * s[3];
      sum += k4 * s[4];
      sum += k5 * s[5];
      sum += k6 * s[6];
      sum += k7 * s[7];
      sum += k8 * s[8];
      py[i] = sum;
    }
#pragma omp single nowait
    {
      for (long i = 0; i < lo; ++i) py[i] = edge_output(px, n, pk, taps, i);
      for (long i = hi; i < n; ++i) py[i] = edge_output(px, n, pk, taps, i);
    }
  }
}
