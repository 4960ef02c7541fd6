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
  // Later candidates cost more: hand out small chunks dynamically.
#pragma omp parallel for reduction(+ : count) schedule(dynamic, 2048)
  for (long v = 2; v < limit; ++v) {
    if (is_prime(v)) ++count;
  }
  return count;
}
