// expect: interface_mismatch
#include <vector>

// The size parameter changed to int.
void gram_matrix(const std::vector<double>& A, std::vector<double>& G, int dim) {
#pragma omp parallel for schedule(dynamic, 4)
  for (int i = 0; i < dim; ++i) {
    for (int j = 0; j <= i; ++j) G[i * dim + j] = 0.0;
    for (int k = 0; k < dim; ++k) {
      const double aki = A[k * dim + i];
      for (int j = 0; j <= i; ++j) G[i * dim + j] += aki * A[k * dim + j];
    }
  }
#pragma omp parallel for
  for (int i = 0; i < dim; ++i)
    for (int j = i + 1; j < dim; ++j) G[i * dim + j] = G[j * dim + i];
}
