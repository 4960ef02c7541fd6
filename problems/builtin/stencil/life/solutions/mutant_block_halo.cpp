// expect: wrong_output
// Each thread copies only its own block of rows into a private buffer and
// treats the rows beyond its block as dead, so cells at block edges miss the
// neighbors owned by the next thread.
#include <omp.h>
#include <vector>

void life(std::vector<int>& grid, int n, int gens) {
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int lo = static_cast<int>(static_cast<long>(n) * t / nt);
    const int hi = static_cast<int>(static_cast<long>(n) * (t + 1) / nt);
    const int rows = hi - lo;
    std::vector<int> cur(grid.begin() + static_cast<long>(lo) * n, grid.begin() + static_cast<long>(hi) * n);
    std::vector<int> nxt(cur.size());
    for (int g = 0; g < gens; ++g) {
      for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < n; ++j) {
          int alive = 0;
          for (int di = -1; di <= 1; ++di) {
            for (int dj = -1; dj <= 1; ++dj) {
              const int r = i + di, c = j + dj;
              if ((di || dj) && r >= 0 && r < rows && c >= 0 && c < n) alive += cur[r * n + c];
            }
          }
          nxt[i * n + j] = (alive == 3 || (cur[i * n + j] && alive == 2)) ? 1 : 0;
        }
      }
      cur.swap(nxt);
    }
    std::copy(cur.begin(), cur.end(), grid.begin() + static_cast<long>(lo) * n);
  }
}
