// expect: wrong_output
// Keeps only the partial sum of the thread that ran the last iterations:
// right at one thread, wrong as soon as the work is split.
#include <cmath>
#include <cstddef>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(p.size());
  double total = 0.0;
#pragma omp parallel for firstprivate(total) lastprivate(total) schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) total += std::log(p[i]);
  return total;
}
