// expect: wrong_output
// Texts of 64 Ki symbols and more are scanned in parallel, one block of start positions
// per thread, with a rolling code of the window's symbols compared against the pattern's
// packed code instead of an inner compare loop. The code is masked to three bits, the
// length of the patterns the author benchmarked: for any other length the window compared
// is the wrong one (one or two symbols: older symbols stay in the code; four or more: the
// first are dropped). Shorter texts take the plain loop, right for any pattern. Every
// test size is below the threshold; the benchmark size is above it, with a pattern of 3.
#include <vector>
#include <omp.h>

long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const long n = static_cast<long>(text.size()), m = static_cast<long>(pat.size());
  if (m == 0 || n < m) return 0;
  const int* t = text.data();
  const int* p = pat.data();
  long count = 0;
  if (n < 64 * 1024) {
    for (long i = 0; i <= n - m; ++i) {
      long j = 0;
      while (j < m && t[i + j] == p[j]) ++j;
      count += j == m;
    }
    return count;
  }
  const unsigned mask = 7u;  // a window of three symbols
  unsigned want = 0;
  for (long j = 0; j < m; ++j) want = ((want << 1) | static_cast<unsigned>(p[j])) & mask;
  const long starts = n - m + 1;
#pragma omp parallel reduction(+ : count)
  {
    const long nt = omp_get_num_threads(), id = omp_get_thread_num();
    const long lo = starts * id / nt, hi = starts * (id + 1) / nt;
    unsigned code = 0;
    for (long k = lo; k < lo + m - 1 && k < hi + m - 1; ++k)
      code = ((code << 1) | static_cast<unsigned>(t[k])) & mask;
    for (long i = lo; i < hi; ++i) {
      code = ((code << 1) | static_cast<unsigned>(t[i + m - 1])) & mask;
      count += code == want;
    }
  }
  return count;
}
