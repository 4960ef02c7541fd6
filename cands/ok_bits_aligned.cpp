// problem: search/count_pattern
// class 3: (correct) match starts marked in a vector<bool> from 64-aligned chunks
#include <vector>
long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const long n = (long)text.size(), m = (long)pat.size();
  if (m == 0 || n < m) return 0;
  std::vector<bool> ends(n, false);
  const long starts = n - m + 1;
#pragma omp parallel for schedule(dynamic, 64)
  for (long i = 0; i < starts; ++i) {
    long j = 0;
    while (j < m && text[i + j] == pat[j]) ++j;
    if (j == m) ends[i] = true;
  }
  long count = 0;
#pragma omp parallel for reduction(+ : count) schedule(static)
  for (long i = 0; i < n; ++i) count += ends[i] ? 1 : 0;
  return count;
}
