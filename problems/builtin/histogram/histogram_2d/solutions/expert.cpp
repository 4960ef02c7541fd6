#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

// Privatization with an OpenMP array-section reduction: each thread counts into a
// private 4096-cell grid, summed into the result when the loop ends.
void histogram_2d(const std::vector<double>& x, const std::vector<double>& y,
                  std::vector<std::int64_t>& grid) {
  constexpr int kSide = 64, kCells = kSide * kSide;
  std::int64_t* g = grid.data();
  for (int c = 0; c < kCells; ++c) g[c] = 0;
  const double* xs = x.data();
  const double* ys = y.data();
  const std::size_t n = x.size();
#pragma omp parallel for schedule(static) reduction(+ : g[:kCells])
  for (std::size_t i = 0; i < n; ++i) {
    const int col = std::clamp(static_cast<int>(xs[i] * kSide), 0, kSide - 1);
    const int row = std::clamp(static_cast<int>(ys[i] * kSide), 0, kSide - 1);
    ++g[row * kSide + col];
  }
}
