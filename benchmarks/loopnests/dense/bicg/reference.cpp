#include <vector>

void bicg(const std::vector<double>& A, const std::vector<double>& r, const std::vector<double>& p,
          std::vector<double>& s, std::vector<double>& q, int n) {
  for (int j = 0; j < n; ++j) s[j] = 0.0;
  for (int i = 0; i < n; ++i) {
    q[i] = 0.0;
    for (int j = 0; j < n; ++j) {
      s[j] += r[i] * A[i * n + j];
      q[i] += A[i * n + j] * p[j];
    }
  }
}
