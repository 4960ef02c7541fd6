// expect: race
// A check that silently did not run: the directive is built by `_Pragma(#x)` from a macro
// argument, so the source text holds no `omp` directive, no `omp_*` call and no thread,
// and the race step used to say "not run: nothing can race". The object calls
// GOMP_parallel; every thread also stores the size into a shared variable (a write-write
// race on one value, invisible in the output).
#include <cmath>
#include <vector>

#define DO_PRAGMA(x) _Pragma(#x)
#define PARALLEL_FOR(clauses) DO_PRAGMA(omp parallel for clauses)

double log_likelihood(const std::vector<double>& p) {
  double total = 0.0;
  long seen = 0;
  const long n = static_cast<long>(p.size());
  PARALLEL_FOR(reduction(+ : total) schedule(static))
  for (long i = 0; i < n; ++i) {
    total += std::log(p[i]);
    seen = n;
  }
  (void)seen;
  return total;
}
