#include <vector>

void rank1_update(std::vector<double>& A, const std::vector<double>& u,
                  const std::vector<double>& v, int n) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A[i * n + j] += u[i] * v[j];
}
