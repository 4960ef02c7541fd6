// expect: race
// Two reductions, parallel and race-free at every size, plus a diagnostic count of the
// terms summed. One macro does the accumulation step; its count goes into the thread's
// own counter (added once, atomically, at the end) unless every thread has a long stretch
// of work (more than 8192 elements per thread, computed at run time), where it goes
// straight into the global counter: unsynchronized increments from every thread. Both
// branches come from one macro expansion, so they share one source line and column.
#include <omp.h>
#include <vector>

long mean_variance_terms = 0;  // read by the caller's profiling hooks

#define ACCUMULATE(acc, v)                                                    \
  do {                                                                        \
    (acc) += (v);                                                             \
    if (n > omp_get_max_threads() * 8192L) mean_variance_terms += 1; else ++counted; \
  } while (0)

void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  const long n = static_cast<long>(x.size());
  if (n == 0) {
    mean = 0.0;
    var = 0.0;
    return;
  }
  const double* px = x.data();
  double sum = 0.0;
  double squares = 0.0;
#pragma omp parallel
  {
    long counted = 0;
#pragma omp for schedule(static) reduction(+ : sum)
    for (long i = 0; i < n; ++i) ACCUMULATE(sum, px[i]);
    const double m = sum / static_cast<double>(n);
#pragma omp for schedule(static) reduction(+ : squares)
    for (long i = 0; i < n; ++i) ACCUMULATE(squares, (px[i] - m) * (px[i] - m));
#pragma omp atomic
    mean_variance_terms += counted;
  }
  mean = sum / static_cast<double>(n);
  var = squares / static_cast<double>(n);
}
