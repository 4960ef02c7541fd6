// expect: race
// Atomic increments into the shared grid, with a guard that skips a cell once it holds
// more than n points (it never does). For long inputs (more than 8192 points a thread)
// the guard reads the shared grid, without atomic, while other threads increment it;
// for short ones it reads a private copy of zeros. The same instructions run at every
// size; the race needs an atomic update the conflict probe sees (it did not trace
// read-modify-writes) and a size above the race sizes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <omp.h>
#include <vector>

void histogram_2d(const std::vector<double>& x, const std::vector<double>& y,
                  std::vector<std::int64_t>& grid) {
  constexpr int kSide = 64, kCells = kSide * kSide;
  std::fill(grid.begin(), grid.end(), 0);
  const std::int64_t n = static_cast<std::int64_t>(x.size());
  const std::int64_t big = static_cast<std::int64_t>(omp_get_max_threads()) * 8192;
  std::vector<std::int64_t> zeros(kCells, 0);
  const std::int64_t* guard = n > big ? grid.data() : zeros.data();
  std::int64_t* g = grid.data();
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const int col = std::clamp(static_cast<int>(x[i] * kSide), 0, kSide - 1);
    const int row = std::clamp(static_cast<int>(y[i] * kSide), 0, kSide - 1);
    const int cell = row * kSide + col;
    if (guard[cell] > n) continue;
#pragma omp atomic
    ++g[cell];
  }
}
