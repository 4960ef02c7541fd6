// expect: compile_error
// Calls the OpenMP runtime without including <omp.h>.
static bool is_prime(long v) {
  if (v < 2) return false;
  if (v % 2 == 0) return v == 2;
  for (long d = 3; d * d <= v; d += 2) {
    if (v % d == 0) return false;
  }
  return true;
}

long count_primes(long limit) {
  long count = 0;
#pragma omp parallel reduction(+ : count)
  {
    const long nt = omp_get_num_threads();
    for (long v = 2 + omp_get_thread_num(); v < limit; v += nt) {
      if (is_prime(v)) ++count;
    }
  }
  return count;
}
