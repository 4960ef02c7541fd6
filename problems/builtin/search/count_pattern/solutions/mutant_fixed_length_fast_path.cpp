// expect: wrong_output
// A fast path for the common short pattern: three symbols packed into a 3-bit code and
// compared with a rolling code of the text. The general path for other lengths stops one
// start early (`i < n - m` instead of `i <= n - m`): a pattern of 3 never reaches it.
#include <vector>

long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const long n = static_cast<long>(text.size()), m = static_cast<long>(pat.size());
  if (m == 0 || n < m) return 0;
  const int* t = text.data();
  const int* p = pat.data();
  long count = 0;
  if (m == 3) {
    const int want = (p[0] << 2) | (p[1] << 1) | p[2];
#pragma omp parallel for reduction(+ : count) schedule(static)
    for (long i = 0; i <= n - 3; ++i) count += ((t[i] << 2) | (t[i + 1] << 1) | t[i + 2]) == want;
    return count;
  }
#pragma omp parallel for reduction(+ : count) schedule(static)
  for (long i = 0; i < n - m; ++i) {
    long j = 0;
    while (j < m && t[i + j] == p[j]) ++j;
    count += j == m;
  }
  return count;
}
