// Bitmask backtracking: cols, diag1 and diag2 mark attacked squares of the next row.
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

long count_queens(int n) {
  if (n <= 0) return 1;
  return place(n, 0, 0u, 0u, 0u);
}
