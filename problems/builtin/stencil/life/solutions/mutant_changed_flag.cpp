// expect: race
// Correct double-buffered update plus an early exit when a generation changes
// nothing. Every thread sets the shared `changed` flag without synchronization:
// the writers all store true, so the result is right, but the writes race.
#include <vector>

void life(std::vector<int>& grid, int n, int gens) {
  std::vector<int> next(grid.size());
  for (int g = 0; g < gens; ++g) {
    bool changed = false;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        int alive = 0;
        for (int di = -1; di <= 1; ++di) {
          for (int dj = -1; dj <= 1; ++dj) {
            const int r = i + di, c = j + dj;
            if ((di || dj) && r >= 0 && r < n && c >= 0 && c < n) alive += grid[r * n + c];
          }
        }
        const int self = grid[i * n + j];
        const int v = (alive == 3 || (self && alive == 2)) ? 1 : 0;
        if (v != self) changed = true;
        next[i * n + j] = v;
      }
    }
    grid.swap(next);
    if (!changed) break;
  }
}
