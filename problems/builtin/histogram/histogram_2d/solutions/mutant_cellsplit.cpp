// expect: wrong_output
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

// Owner-computes over cells: each thread scans all points and counts only the cells in
// its range, 4096 / T cells per thread. When T does not divide 4096 (5 threads) the last
// cells belong to nobody and stay zero.
void histogram_2d(const std::vector<double>& x, const std::vector<double>& y,
                  std::vector<std::int64_t>& grid) {
  constexpr int kSide = 64, kCells = kSide * kSide;
  std::fill(grid.begin(), grid.end(), 0);
#pragma omp parallel
  {
    const int per = kCells / omp_get_num_threads();
    const int lo = per * omp_get_thread_num(), hi = lo + per;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const int col = std::clamp(static_cast<int>(x[i] * kSide), 0, kSide - 1);
      const int row = std::clamp(static_cast<int>(y[i] * kSide), 0, kSide - 1);
      const int cell = row * kSide + col;
      if (cell >= lo && cell < hi) ++grid[cell];
    }
  }
}
