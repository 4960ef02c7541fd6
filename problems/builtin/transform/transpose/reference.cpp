#include <vector>

void transpose(const std::vector<double>& a, std::vector<double>& b, int n) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) b[static_cast<std::size_t>(j) * n + i] = a[static_cast<std::size_t>(i) * n + j];
  }
}
