// problem: reduce/log_likelihood
// class 7: OpenMP through the _Pragma operator; every thread also stores the count into a shared variable
#include <cmath>
#include <vector>
#define PARALLEL_SUM(var) _Pragma("omp parallel for reduction(+ : total) schedule(static)")
double log_likelihood(const std::vector<double>& p) {
  double total = 0.0;
  long seen = 0;
  const long n = (long)p.size();
  PARALLEL_SUM(total)
  for (long i = 0; i < n; ++i) { total += std::log(p[i]); seen = n; }
  (void)seen;
  return total;
}
