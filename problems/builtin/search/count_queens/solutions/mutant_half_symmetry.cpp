// expect: wrong_output
// Uses the mirror symmetry of the first row by counting half the columns and
// doubling, but forgets the middle column of odd boards.
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
  const unsigned full = (1u << n) - 1u;
  long count = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : count)
  for (int c = 0; c < n / 2; ++c) {
    const unsigned bit = 1u << c;
    count += 2 * place(n, 1, bit, (bit << 1) & full, bit >> 1);
  }
  return count;
}
