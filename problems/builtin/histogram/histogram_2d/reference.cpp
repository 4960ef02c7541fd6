#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

void histogram_2d(const std::vector<double>& x, const std::vector<double>& y,
                  std::vector<std::int64_t>& grid) {
  constexpr int kSide = 64;
  std::fill(grid.begin(), grid.end(), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const int col = std::clamp(static_cast<int>(x[i] * kSide), 0, kSide - 1);
    const int row = std::clamp(static_cast<int>(y[i] * kSide), 0, kSide - 1);
    ++grid[row * kSide + col];
  }
}
