#include <vector>

long count_pattern(const std::vector<int>& text, const std::vector<int>& pat) {
  const std::size_t n = text.size(), m = pat.size();
  if (m == 0 || n < m) return 0;
  long count = 0;
  for (std::size_t i = 0; i + m <= n; ++i) {
    std::size_t j = 0;
    while (j < m && text[i + j] == pat[j]) ++j;
    if (j == m) ++count;
  }
  return count;
}
