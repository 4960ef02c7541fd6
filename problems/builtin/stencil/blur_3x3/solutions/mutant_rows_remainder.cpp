// expect: wrong_output
// Hands each thread (n - 2) / nt interior rows: the remainder rows at the
// bottom of the image are never written when n - 2 is not a multiple of nt.
#include <omp.h>
#include <vector>

void blur_3x3(const std::vector<double>& in, std::vector<double>& out, int n) {
  if (n <= 0) return;
  for (int j = 0; j < n; ++j) {
    out[j] = in[j];
    out[static_cast<std::size_t>(n - 1) * n + j] = in[static_cast<std::size_t>(n - 1) * n + j];
  }
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int rows = (n - 2) / nt;
    for (int i = 1 + t * rows; i < 1 + (t + 1) * rows; ++i) {
      const std::size_t base = static_cast<std::size_t>(i) * n;
      out[base] = in[base];
      out[base + n - 1] = in[base + n - 1];
      for (int j = 1; j < n - 1; ++j) {
        const std::size_t c = base + j, u = c - n, d = c + n;
        out[c] = (in[u - 1] + 2.0 * in[u] + in[u + 1] + 2.0 * in[c - 1] + 4.0 * in[c] +
                  2.0 * in[c + 1] + in[d - 1] + 2.0 * in[d] + in[d + 1]) / 16.0;
      }
    }
  }
}
