// problem: stencil/life
// class 3: alive cells of the next generation in a packed bit array written under schedule(guided)
#include <cstdint>
#include <vector>
void life(std::vector<int>& grid, int n, int gens) {
  const long cells = (long)n * n;
  std::vector<std::uint64_t> bits((cells + 63) / 64);
  for (int g = 0; g < gens; ++g) {
    std::fill(bits.begin(), bits.end(), 0);
#pragma omp parallel for schedule(guided)
    for (long c = 0; c < cells; ++c) {
      const int i = (int)(c / n), j = (int)(c % n);
      int alive = 0;
      for (int di = -1; di <= 1; ++di)
        for (int dj = -1; dj <= 1; ++dj) {
          const int r = i + di, q = j + dj;
          if ((di || dj) && r >= 0 && r < n && q >= 0 && q < n) alive += grid[(long)r * n + q];
        }
      if (alive == 3 || (grid[c] && alive == 2)) bits[c >> 6] |= std::uint64_t(1) << (c & 63);
    }
#pragma omp parallel for schedule(static)
    for (long c = 0; c < cells; ++c) grid[c] = (bits[c >> 6] >> (c & 63)) & 1;
  }
}
