// expect: wrong_output
// State across calls: the result is cached in statics keyed by the input's size, so a
// second call with the same size and fresh data returns the first call's result. One
// call per fresh process (the old difftest) never sees it.
#include <cmath>
#include <cstddef>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  static std::size_t cached_n = static_cast<std::size_t>(-1);
  static double cached = 0.0;
  if (p.size() == cached_n) return cached;
  double total = 0.0;
  const long n = static_cast<long>(p.size());
#pragma omp parallel for reduction(+ : total) schedule(static)
  for (long i = 0; i < n; ++i) total += std::log(p[i]);
  cached_n = p.size();
  cached = total;
  return total;
}
