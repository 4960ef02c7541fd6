// expect: wrong_output
// Splits [2, limit) into equal chunks by hand and forgets the remainder when the
// range is not divisible by the number of threads.
#include <omp.h>

static bool is_prime(long v) {
  if (v < 2) return false;
  if (v % 2 == 0) return v == 2;
  for (long d = 3; d * d <= v; d += 2) {
    if (v % d == 0) return false;
  }
  return true;
}

long count_primes(long limit) {
  if (limit <= 2) return 0;
  long count = 0;
#pragma omp parallel reduction(+ : count)
  {
    const long nt = omp_get_num_threads();
    const long t = omp_get_thread_num();
    const long chunk = (limit - 2) / nt;
    const long lo = 2 + t * chunk;
    const long hi = lo + chunk;
    for (long v = lo; v < hi; ++v) {
      if (is_prime(v)) ++count;
    }
  }
  return count;
}
