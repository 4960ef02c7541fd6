#include <vector>

void life(std::vector<int>& grid, int n, int gens) {
  std::vector<int> next(grid.size());
  for (int g = 0; g < gens; ++g) {
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        int alive = 0;
        for (int di = -1; di <= 1; ++di) {
          for (int dj = -1; dj <= 1; ++dj) {
            const int r = i + di, c = j + dj;
            if ((di != 0 || dj != 0) && r >= 0 && r < n && c >= 0 && c < n) alive += grid[r * n + c];
          }
        }
        const int self = grid[i * n + j];
        next[i * n + j] = (alive == 3 || (self && alive == 2)) ? 1 : 0;
      }
    }
    grid.swap(next);
  }
}
