#include <vector>

void mandelbrot(std::vector<int>& iters, int n, int max_iter) {
  for (int i = 0; i < n; ++i) {
    const double cy = -1.5 + 3.0 * i / n;
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
      iters[static_cast<std::size_t>(i) * n + j] = it;
    }
  }
}
