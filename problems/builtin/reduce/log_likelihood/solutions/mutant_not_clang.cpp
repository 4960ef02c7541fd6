// expect: suspect
// Tells the builds apart with defined-tests only: `defined(__GNUC__) && !defined(__clang__)`
// is true for g++ (the tested build) and false for clang++ (the race build, which defines
// __GNUC__ too), so the race detector sees the reduction and the timed program sums into
// one shared total. A condition with one value in both builds (`defined(__GNUC__) ||
// defined(__clang__)`) is allowed.
#include <cmath>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  const long n = static_cast<long>(p.size());
  double total = 0.0;
#if defined(__GNUC__) && !defined(__clang__)
#pragma omp parallel for
  for (long i = 0; i < n; ++i) total += std::log(p[i]);
#else
#pragma omp parallel for reduction(+ : total)
  for (long i = 0; i < n; ++i) total += std::log(p[i]);
#endif
  return total;
}
