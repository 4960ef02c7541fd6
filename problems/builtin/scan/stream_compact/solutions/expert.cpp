#include <algorithm>
#include <omp.h>
#include <vector>

// Count, scan, scatter. Each thread counts the kept elements of its block, one
// barrier publishes the counts, then each thread copies its kept elements to
// their final place (the sum of the counts before its block) and zeroes its
// share of the tail. The tail [kept, n) lies after every compacted position,
// so zeroing it needs no further barrier.
long stream_compact(const std::vector<double>& in, std::vector<double>& out) {
  const long n = static_cast<long>(in.size());
  const double* src = in.data();
  double* dst = out.data();
  std::vector<long> counts(omp_get_max_threads(), 0);
  long kept = 0;
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    long c = 0;
    for (long i = lo; i < hi; ++i) c += src[i] > 0.0;
    counts[t] = c;
#pragma omp barrier
    long pos = 0, total = 0;
    for (int k = 0; k < nt; ++k) {
      if (k < t) pos += counts[k];
      total += counts[k];
    }
    for (long i = lo; i < hi; ++i) {
      if (src[i] > 0.0) dst[pos++] = src[i];
    }
    const long tail = n - total;
    std::fill(dst + total + tail * t / nt, dst + total + tail * (t + 1) / nt, 0.0);
    if (t == 0) kept = total;
  }
  return kept;
}
