#include <vector>

void trmv_lower(const std::vector<double>& L, const std::vector<double>& x,
                std::vector<double>& y, int n) {
  for (int i = 0; i < n; ++i) {
    double s = 0.0;
    for (int j = 0; j <= i; ++j) s += L[i * n + j] * x[j];
    y[i] = s;
  }
}
