// expect: race
// Races at sizes the race step did not run: a pairwise fast path for even sizes (n >= 4),
// where every iteration also stores a shared flag. The planned sizes were odd apart from
// n = 2; a power of two near half the largest size is now among them.
#include <cmath>
#include <vector>
double log_likelihood(const std::vector<double>& p) {
  const long n = (long)p.size();
  double total = 0.0;
  if (n % 2 == 0 && n >= 4) {
    bool paired = false;
#pragma omp parallel for reduction(+ : total) schedule(static)
    for (long i = 0; i < n / 2; ++i) {
      total += std::log(p[2 * i] * p[2 * i + 1]);
      paired = true;
    }
    (void)paired;
    return total;
  }
#pragma omp parallel for reduction(+ : total) schedule(static)
  for (long i = 0; i < n; ++i) total += std::log(p[i]);
  return total;
}
