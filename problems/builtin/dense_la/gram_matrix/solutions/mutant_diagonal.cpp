// expect: wrong_output
#include <cstddef>
#include <vector>

// Off by one in the triangular bound: the diagonal is never accumulated.
void gram_matrix(const std::vector<double>& A, std::vector<double>& G, std::size_t dim) {
#pragma omp parallel for schedule(dynamic, 4)
  for (std::size_t i = 0; i < dim; ++i) {
    for (std::size_t j = 0; j <= i; ++j) G[i * dim + j] = 0.0;
    for (std::size_t k = 0; k < dim; ++k) {
      const double aki = A[k * dim + i];
      for (std::size_t j = 0; j < i; ++j) G[i * dim + j] += aki * A[k * dim + j];
    }
  }
#pragma omp parallel for
  for (std::size_t i = 0; i < dim; ++i)
    for (std::size_t j = i + 1; j < dim; ++j) G[i * dim + j] = G[j * dim + i];
}
