#include <vector>

// Rows cost very different amounts (rows through the set are expensive), so
// they are handed out dynamically, one at a time.
void mandelbrot(std::vector<int>& iters, int n, int max_iter) {
  int* out = iters.data();
#pragma omp parallel for schedule(dynamic, 1)
  for (int i = 0; i < n; ++i) {
    const double cy = -1.5 + 3.0 * i / n;
    int* row = out + static_cast<long>(i) * n;
    for (int j = 0; j < n; ++j) {
      const double cx = -2.0 + 3.0 * j / n;
      double zx = 0.0, zy = 0.0;
      int it = 0;
      while (it < max_iter && zx * zx + zy * zy <= 4.0) {
        const double t = zx * zx - zy * zy + cx;
        zy = 2.0 * zx * zy + cy;
        zx = t;
        ++it;
      }
      row[j] = it;
    }
  }
}
