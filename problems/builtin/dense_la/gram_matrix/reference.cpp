#include <algorithm>
#include <cstddef>
#include <vector>

// G[i][j] = sum_k A[k][i] * A[k][j]; rows of A are streamed once, the lower triangle is
// accumulated, then mirrored.
void gram_matrix(const std::vector<double>& A, std::vector<double>& G, std::size_t dim) {
  std::fill(G.begin(), G.end(), 0.0);
  for (std::size_t k = 0; k < dim; ++k) {
    const double* row = &A[k * dim];
    for (std::size_t i = 0; i < dim; ++i) {
      const double a = row[i];
      for (std::size_t j = 0; j <= i; ++j) G[i * dim + j] += a * row[j];
    }
  }
  for (std::size_t i = 0; i < dim; ++i)
    for (std::size_t j = i + 1; j < dim; ++j) G[i * dim + j] = G[j * dim + i];
}
