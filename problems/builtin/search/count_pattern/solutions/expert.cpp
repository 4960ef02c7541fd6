#include <vector>

long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const long n = static_cast<long>(text.size()), m = static_cast<long>(pat.size());
  if (m == 0 || n < m) return 0;
  const int* t = text.data();
  const int* p = pat.data();
  long count = 0;
  // Every start position is independent: split the starts, not the text.
#pragma omp parallel for reduction(+ : count) schedule(static)
  for (long i = 0; i <= n - m; ++i) {
    long j = 0;
    while (j < m && t[i + j] == p[j]) ++j;
    count += j == m;
  }
  return count;
}
