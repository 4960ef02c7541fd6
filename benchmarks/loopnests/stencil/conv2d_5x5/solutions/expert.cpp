#include <vector>

void conv2d_5x5(const double* __restrict__ img, const double* __restrict__ w,
                double* __restrict__ out, int n) {
#pragma omp parallel for schedule(static)
  for (int i = 2; i < n - 2; ++i)
    for (int j = 2; j < n - 2; ++j) {
      double s = 0.0;
      for (int di = -2; di <= 2; ++di)
        for (int dj = -2; dj <= 2; ++dj) s += img[(i + di) * n + j + dj] * w[(di + 2) * 5 + dj + 2];
      out[i * n + j] = s;
    }
}
