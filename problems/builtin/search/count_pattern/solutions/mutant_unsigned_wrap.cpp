// expect: crash
// Loops to n - m in unsigned arithmetic: when the text is shorter than the
// pattern, the bound wraps around and the loop reads far outside the text.
#include <cstddef>
#include <vector>

long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const std::size_t n = text.size(), m = pat.size();
  long count = 0;
#pragma omp parallel for reduction(+ : count) schedule(static)
  for (std::size_t i = 0; i <= n - m; ++i) {
    std::size_t j = 0;
    while (j < m && text[i + j] == pat[j]) ++j;
    count += j == m;
  }
  return count;
}
