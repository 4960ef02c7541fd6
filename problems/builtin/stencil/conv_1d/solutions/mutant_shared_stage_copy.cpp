// expect: race|wrong_output
// Each thread stages its chunk of x plus a 4-element halo on each side (zero outside the
// array) with std::copy, then convolves from the stage without bounds tests. Short
// inputs get a private stage per thread; above 8192 elements per thread (computed at run
// time) the stages would cost too much memory, so every thread stages into one shared
// padded copy of x at its chunk's offset, picked by a select. The halos overlap: a thread
// copies the next chunk's first 8 staged elements too (the same values) while that
// thread copies and reads them. The outputs are right; the same instructions run at
// every size, only the stage's address is shared.
#include <algorithm>
#include <omp.h>
#include <vector>

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long taps = static_cast<long>(k.size());
  const long half = taps / 2;
  const double* px = x.data();
  const double* pk = k.data();
  double* py = y.data();
  const bool one_stage = n > 8192L * omp_get_max_threads();
  std::vector<double> shared_stage(one_stage ? n + 2 * half : 0);
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long chunk = (n + nt - 1) / nt;
    const long lo = std::min(n, t * chunk), hi = std::min(n, lo + chunk);
    const long len = hi - lo + 2 * half;  // stage[j] holds x[lo - half + j]
    std::vector<double> own(one_stage ? 0 : len);
    double* stage = one_stage ? shared_stage.data() + lo : own.data();
    const long src_lo = std::max(0L, lo - half), src_hi = std::min(n, hi + half);
    if (lo < hi) {
      std::fill(stage, stage + (src_lo - (lo - half)), 0.0);
      std::copy(px + src_lo, px + src_hi, stage + (src_lo - (lo - half)));
      std::fill(stage + (src_hi - (lo - half)), stage + len, 0.0);
    }
    for (long i = lo; i < hi; ++i) {
      const double* s = stage + (i - lo);
      double sum = 0.0;
      for (long j = 0; j < taps; ++j) sum += pk[j] * s[j];
      py[i] = sum;
    }
  }
}
