#include <vector>

// Rows are independent: split them statically. The border tests are hoisted
// out of the inner loop so it runs over the interior without branches.
void blur_3x3(const std::vector<double>& in, std::vector<double>& out, int n) {
  const double* src = in.data();
  double* dst = out.data();
  const long w = n;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    const double* row = src + i * w;
    double* o = dst + i * w;
    if (i == 0 || i == n - 1) {
      for (long j = 0; j < w; ++j) o[j] = row[j];
      continue;
    }
    const double* up = row - w;
    const double* down = row + w;
    o[0] = row[0];
    for (long j = 1; j < w - 1; ++j) {
      o[j] = (up[j - 1] + 2.0 * up[j] + up[j + 1] +
              2.0 * row[j - 1] + 4.0 * row[j] + 2.0 * row[j + 1] +
              down[j - 1] + 2.0 * down[j] + down[j + 1]) / 16.0;
    }
    if (w > 1) o[w - 1] = row[w - 1];
  }
}
