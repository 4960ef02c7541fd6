// expect: wrong_output
// Gives every thread n / nt rows: when nt does not divide n, the last rows are
// never computed (they keep their initial zeros).
#include <omp.h>
#include <vector>

void mandelbrot(std::vector<int>& iters, int n, int max_iter) {
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int rows = n / nt;
    for (int i = t * rows; i < (t + 1) * rows; ++i) {
      const double cy = -1.5 + 3.0 * i / n;
      for (int j = 0; j < n; ++j) {
        const double cx = -2.0 + 3.0 * j / n;
        double zx = 0.0, zy = 0.0;
        int it = 0;
        while (it < max_iter && zx * zx + zy * zy <= 4.0) {
          const double t2 = zx * zx - zy * zy + cx;
          zy = 2.0 * zx * zy + cy;
          zx = t2;
          ++it;
        }
        iters[static_cast<std::size_t>(i) * n + j] = it;
      }
    }
  }
}
