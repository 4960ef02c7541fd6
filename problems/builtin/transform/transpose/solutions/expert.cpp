#include <algorithm>
#include <vector>

// Cache-blocked transpose: 32 x 32 tiles (8 KiB from each matrix), tiles
// handed out statically over both tile dimensions.
void transpose(const std::vector<double>& a, std::vector<double>& b, int n) {
  const long w = n;
  const long B = 32;
  const long tiles = (w + B - 1) / B;
  const double* src = a.data();
  double* dst = b.data();
#pragma omp parallel for collapse(2) schedule(static)
  for (long ti = 0; ti < tiles; ++ti) {
    for (long tj = 0; tj < tiles; ++tj) {
      const long i1 = std::min(w, (ti + 1) * B), j1 = std::min(w, (tj + 1) * B);
      for (long i = ti * B; i < i1; ++i) {
        for (long j = tj * B; j < j1; ++j) dst[j * w + i] = src[i * w + j];
      }
    }
  }
}
