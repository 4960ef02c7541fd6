#include <utility>
#include <vector>

// Pad the grid with a ring of dead cells so the inner loop needs no bounds
// tests (and vectorizes), then run all generations in one parallel region:
// one worksharing loop over rows per generation, buffer pointers swapped
// privately by every thread.
void life(std::vector<int>& grid, int n, int gens) {
  if (n <= 0) return;
  const long w = n + 2;
  std::vector<unsigned char> a(w * w, 0), b(w * w, 0);
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) {
      for (long j = 0; j < n; ++j) a[(i + 1) * w + j + 1] = static_cast<unsigned char>(grid[i * n + j]);
    }
    unsigned char* cur = a.data();
    unsigned char* nxt = b.data();
    for (int g = 0; g < gens; ++g) {
#pragma omp for schedule(static)
      for (long i = 1; i <= n; ++i) {
        const unsigned char* up = cur + (i - 1) * w;
        const unsigned char* row = cur + i * w;
        const unsigned char* down = cur + (i + 1) * w;
        unsigned char* o = nxt + i * w;
        for (long j = 1; j <= n; ++j) {
          const int alive = up[j - 1] + up[j] + up[j + 1] + row[j - 1] + row[j + 1] + down[j - 1] +
                            down[j] + down[j + 1];
          o[j] = static_cast<unsigned char>((alive == 3) | (row[j] & (alive == 2)));
        }
      }
      std::swap(cur, nxt);
    }
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) {
      for (long j = 0; j < n; ++j) grid[i * n + j] = cur[(i + 1) * w + j + 1];
    }
  }
}
