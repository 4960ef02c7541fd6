#include <vector>

void matvec_cols(const std::vector<double>& A, const std::vector<double>& x,
                 std::vector<double>& y, int n) {
  for (int j = 0; j < n; ++j) y[j] = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) y[j] += A[i * n + j] * x[i];
}
