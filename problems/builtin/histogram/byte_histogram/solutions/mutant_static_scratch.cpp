// expect: race|wrong_output|crash
// Two callers at once: the per-thread partial histograms live in a function-local static
// that every call resizes and refills. One call at a time is right (the old difftest and
// race step made calls one after another); two calls made together (a user's threads, or
// a user's parallel region calling it) share the buffer.
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  static std::vector<std::int64_t> partial;
  const int most = omp_get_max_threads();
  partial.assign(static_cast<std::size_t>(most) * 256, 0);
  const long n = static_cast<long>(data.size());
  int used = 1;
#pragma omp parallel
  {
#pragma omp single
    used = omp_get_num_threads();
    std::int64_t* mine = partial.data() + 256 * static_cast<std::size_t>(omp_get_thread_num());
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) ++mine[data[i]];
  }
  for (std::size_t b = 0; b < bins.size(); ++b) {
    std::int64_t s = 0;
    for (int t = 0; t < used; ++t) s += partial[static_cast<std::size_t>(t) * 256 + b];
    bins[b] = s;
  }
}
