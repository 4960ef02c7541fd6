// expect: wrong_output
// Large grids take a fast path: two generations per pass over a pair of buffers (the
// grid and a scratch copy, no swap of vectors), the generation count halved. For an odd
// count the last generation is never computed. Small grids (every test size) use the
// plain loop, so only a call with gens odd and n >= 256 sees it.
#include <vector>

namespace {
void step(const int* in, int* out, int n) {
#pragma omp for schedule(static)
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      int alive = 0;
      for (int di = -1; di <= 1; ++di)
        for (int dj = -1; dj <= 1; ++dj) {
          const int r = i + di, c = j + dj;
          if ((di != 0 || dj != 0) && r >= 0 && r < n && c >= 0 && c < n) alive += in[r * n + c];
        }
      const int self = in[i * n + j];
      out[i * n + j] = (alive == 3 || (self && alive == 2)) ? 1 : 0;
    }
  }
}
}  // namespace

void life(std::vector<int>& grid, int n, int gens) {
  std::vector<int> scratch(grid.size());
  if (n >= 256) {
    const int pairs = gens / 2;  // two generations per pass: grid -> scratch -> grid
#pragma omp parallel
    for (int p = 0; p < pairs; ++p) {
      step(grid.data(), scratch.data(), n);
      step(scratch.data(), grid.data(), n);
    }
    return;
  }
#pragma omp parallel
  for (int g = 0; g < gens; ++g) {
    step(grid.data(), scratch.data(), n);
#pragma omp single
    grid.swap(scratch);
  }
}
