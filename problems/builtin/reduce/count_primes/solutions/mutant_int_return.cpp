// expect: interface_mismatch
// Returns the count as int instead of long. The symbol count_primes(long) is unchanged
// (a C++ name carries no return type) and the counts fit in 32 bits, so only the
// interface check's return-type comparison can tell.
static bool is_prime(long v) {
  if (v < 2) return false;
  if (v % 2 == 0) return v == 2;
  for (long d = 3; d * d <= v; d += 2) {
    if (v % d == 0) return false;
  }
  return true;
}

int count_primes(long limit) {
  int count = 0;
#pragma omp parallel for reduction(+ : count) schedule(dynamic, 2048)
  for (long v = 2; v < limit; ++v) {
    if (is_prime(v)) ++count;
  }
  return count;
}
