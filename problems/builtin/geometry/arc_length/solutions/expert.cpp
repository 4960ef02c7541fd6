#include <cmath>
#include <cstddef>
#include <vector>
#include <omp.h>

// A two-pass parallel scan. Pass 1: each thread scans its contiguous block locally
// (segment lengths are independent, so this is where the hypot work happens). Then the
// block totals are turned into offsets. Pass 2: each thread adds its offset to its block.
void arc_length(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& s) {
  const std::size_t n = x.size();
  if (n == 0) return;
  const int nt = omp_get_max_threads();
  std::vector<double> offset(nt + 1, 0.0);
  const double* X = x.data();
  const double* Y = y.data();
  double* S = s.data();
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num();
    const int team = omp_get_num_threads();
    const std::size_t lo = n * t / team, hi = n * (t + 1) / team;
    double run = 0.0;
    for (std::size_t i = lo; i < hi; ++i) {
      if (i > 0) run += std::hypot(X[i] - X[i - 1], Y[i] - Y[i - 1]);
      S[i] = run;
    }
    offset[t + 1] = run;
#pragma omp barrier
#pragma omp single
    for (int q = 1; q <= team; ++q) offset[q] += offset[q - 1];
    const double base = offset[t];
    if (t > 0)
      for (std::size_t i = lo; i < hi; ++i) S[i] += base;
  }
}
