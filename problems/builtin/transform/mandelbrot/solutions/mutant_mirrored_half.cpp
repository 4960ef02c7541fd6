// expect: wrong_output
// The set is symmetric about the real axis, so only the upper half of the rows is
// iterated and row n - i is copied from row i. But the grid's rows are not symmetric in
// floating point: row n - i has c.imag = -1.5 + 3.0 * (n - i) / n, which differs from
// -(-1.5 + 3.0 * i / n) in the last bits, and a point on the set's boundary escapes one
// iteration later or earlier. No test size has such a point; n = 1400 has two.
#include <algorithm>
#include <vector>

void mandelbrot(std::vector<int>& iters, int n, int max_iter) {
  int* out = iters.data();
  const int upper = n / 2 + 1;  // rows 0 .. n/2 are computed
#pragma omp parallel
  {
#pragma omp for schedule(dynamic, 1)
    for (int i = 0; i < std::min(upper, n); ++i) {
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
        out[static_cast<long>(i) * n + j] = it;
      }
    }
#pragma omp for schedule(static)
    for (int i = upper; i < n; ++i)
      std::copy(out + static_cast<long>(n - i) * n, out + static_cast<long>(n - i + 1) * n,
                out + static_cast<long>(i) * n);
  }
}
