#include <algorithm>
#include <cstring>
#include <limits>
#include <omp.h>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace {
// Store that bypasses the cache where the CPU has one (see scan/prefix_sum).
inline void stream_store(double* p, double v) {
#if defined(__SSE2__)
  long long bits;
  std::memcpy(&bits, &v, sizeof bits);
  _mm_stream_si64(reinterpret_cast<long long*>(p), bits);
#else
  *p = v;
#endif
}
}  // namespace

// Cache-blocked two-pass scan with max, as in scan/prefix_sum: rounds of nt
// sub-blocks of at most 2^17 elements; each thread takes the maximum of its
// sub-block (pulling it into cache), one barrier publishes the maxima, then
// each thread writes its running maximum from cache with streaming stores,
// starting from the maximum of everything before it. One read and one
// non-allocating write per element. Maxima are double-buffered by round
// parity, so one barrier per round suffices.
void running_max(const std::vector<double>& in, std::vector<double>& out) {
  const long n = static_cast<long>(in.size());
  if (n == 0) return;
  const double* src = in.data();
  double* dst = out.data();
  const double none = -std::numeric_limits<double>::infinity();
  const int maxt = omp_get_max_threads();
  std::vector<double> maxima(2 * static_cast<std::size_t>(maxt), none);
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long sub = std::min(1L << 17, std::max(256L, (n + nt - 1) / nt));
    double carry = none;  // empty sub-blocks give -inf, which max ignores
    int parity = 0;
    for (long base = 0; base < n; base += sub * nt, parity ^= 1) {
      const long lo = std::min(n, base + t * sub), hi = std::min(n, lo + sub);
      double m = none;
      for (long i = lo; i < hi; ++i) m = std::max(m, src[i]);
      double* round_max = &maxima[static_cast<std::size_t>(parity) * maxt];
      round_max[t] = m;
#pragma omp barrier
      double best = carry;
      for (int k = 0; k < t; ++k) best = std::max(best, round_max[k]);
      for (int k = 0; k < nt; ++k) carry = std::max(carry, round_max[k]);
      for (long i = lo; i < hi; ++i) {
        best = std::max(best, src[i]);
        stream_store(dst + i, best);
      }
    }
#if defined(__SSE2__)
    _mm_sfence();
#endif
  }
}
