static long place(int n, int row, unsigned cols, unsigned diag1, unsigned diag2) {
  if (row == n) return 1;
  long count = 0;
  const unsigned full = (1u << n) - 1u;
  unsigned free = full & ~(cols | diag1 | diag2);
  while (free) {
    const unsigned bit = free & -free;
    free ^= bit;
    count += place(n, row + 1, cols | bit, ((diag1 | bit) << 1) & full, (diag2 | bit) >> 1);
  }
  return count;
}

// Split the search on the first two rows (n*n independent subtrees, many of
// them empty) and hand the subtrees out dynamically.
long count_queens(int n) {
  if (n <= 0) return 1;
  if (n == 1) return 1;
  const unsigned full = (1u << n) - 1u;
  long count = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : count)
  for (int k = 0; k < n * n; ++k) {
    const unsigned b0 = 1u << (k / n);
    const unsigned b1 = 1u << (k % n);
    const unsigned cols = b0, d1 = (b0 << 1) & full, d2 = b0 >> 1;
    if (b1 & (cols | d1 | d2)) continue;
    count += place(n, 2, cols | b1, ((d1 | b1) << 1) & full, (d2 | b1) >> 1);
  }
  return count;
}
