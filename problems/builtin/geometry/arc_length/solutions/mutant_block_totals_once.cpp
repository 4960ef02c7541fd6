// expect: crash|wrong_output
// State across calls: the per-thread block totals live in a static vector sized by the first
// call's omp_get_max_threads(); a later call with more threads writes and reads past it.
// Right whenever the thread count never changes in a process, as in every difftest run
// before the omp_set_num_threads variant changed it between calls.
#include <cmath>
#include <cstddef>
#include <vector>

#include <omp.h>

void arc_length(const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& s) {
  static std::vector<double> totals;
  if (totals.empty()) totals.resize(static_cast<std::size_t>(omp_get_max_threads()) + 1, 0.0);
  const long n = static_cast<long>(x.size());
  if (n == 0) return;
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    double acc = 0.0;
    for (long i = lo; i < hi; ++i) {
      if (i > 0) acc += std::hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
      s[i] = acc;
    }
    totals[t + 1] = acc;
#pragma omp barrier
#pragma omp single
    for (int u = 1; u <= nt; ++u) totals[u] += totals[u - 1];
    for (long i = lo; i < hi; ++i) s[i] += totals[t];
  }
}
