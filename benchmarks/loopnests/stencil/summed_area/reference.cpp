#include <vector>

void summed_area(const double* __restrict__ img, double* __restrict__ s, int n) {
  for (int i = 0; i < n; ++i) {
    s[i * n] = img[i * n];
    for (int j = 1; j < n; ++j) s[i * n + j] = s[i * n + j - 1] + img[i * n + j];
  }
  for (int i = 1; i < n; ++i)
    for (int j = 0; j < n; ++j) s[i * n + j] += s[(i - 1) * n + j];
}
