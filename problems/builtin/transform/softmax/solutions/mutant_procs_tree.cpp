// expect: race|wrong_output
// A team of one thread per core (num_threads(omp_get_num_procs())), and a hand-made tree
// sum over the per-thread partials with no barrier between its levels: with 2 or 3
// threads there is one level and nothing races; with 4 or more, thread 0 reads a partial
// that thread 2 is still adding into. The team ignored every thread count the checks set,
// so on a 2-core machine the race step only ever ran it with 2 threads.
#include <algorithm>
#include <cmath>
#include <vector>
#include <omp.h>

void softmax(const std::vector<double>& x, std::vector<double>& y) {
  if (x.empty()) return;
  const long n = static_cast<long>(x.size());
  const double m = *std::max_element(x.begin(), x.end());
  const int team = omp_get_num_procs();
  std::vector<double> partial(static_cast<std::size_t>(team), 0.0);
  double sum = 0.0;
#pragma omp parallel num_threads(team)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    double local = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) {
      y[i] = std::exp(x[i] - m);
      local += y[i];
    }
    partial[t] = local;
#pragma omp barrier
    for (int stride = 1; stride < T; stride *= 2) {
      if (t % (2 * stride) == 0 && t + stride < T) partial[t] += partial[t + stride];
    }
#pragma omp barrier
#pragma omp single
    sum = partial[0];
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) y[i] /= sum;
  }
}
