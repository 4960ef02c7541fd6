#include <algorithm>
#include <cstddef>
#include <vector>

// C = A * B for dim-by-dim row-major matrices (i-k-j order streams rows of B and C).
void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
  std::fill(C.begin(), C.end(), 0.0);
  for (std::size_t i = 0; i < dim; ++i) {
    for (std::size_t k = 0; k < dim; ++k) {
      const double a = A[i * dim + k];
      for (std::size_t j = 0; j < dim; ++j) C[i * dim + j] += a * B[k * dim + j];
    }
  }
}
