// expect: wrong_output
// Splits the TEXT into per-thread chunks and only counts matches that lie
// entirely inside a chunk: matches crossing a chunk boundary are lost.
#include <omp.h>
#include <vector>

long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const long n = static_cast<long>(text.size()), m = static_cast<long>(pat.size());
  if (m == 0 || n < m) return 0;
  long count = 0;
#pragma omp parallel reduction(+ : count)
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    for (long i = lo; i + m <= hi; ++i) {
      long j = 0;
      while (j < m && text[i + j] == pat[j]) ++j;
      count += j == m;
    }
  }
  return count;
}
