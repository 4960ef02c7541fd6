// expect: compile_error
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

// Collapses two loops that are not perfectly nested (a statement sits between them).
void histogram_2d(const std::vector<double>& x, const std::vector<double>& y,
                  std::vector<std::int64_t>& grid) {
  constexpr int kSide = 64;
  std::int64_t* g = grid.data();
  const std::size_t n = x.size();
  const std::size_t blocks = (n + 255) / 256;
  std::fill(grid.begin(), grid.end(), 0);
#pragma omp parallel for collapse(2) reduction(+ : g[:kSide * kSide])
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t end = std::min(n, (b + 1) * 256);
    for (std::size_t i = b * 256; i < end; ++i) {
      const int col = std::clamp(static_cast<int>(x[i] * kSide), 0, kSide - 1);
      const int row = std::clamp(static_cast<int>(y[i] * kSide), 0, kSide - 1);
      ++g[row * kSide + col];
    }
  }
}
