// expect: race
#include <cstddef>
#include <vector>

// A progress counter shared by the team and incremented without synchronization. It is
// not part of the output, so the product is right, but the increments race.
std::size_t matmul_rows_done = 0;  // external linkage: the stores cannot be optimized away

void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < dim; ++i) {
    for (std::size_t j = 0; j < dim; ++j) C[i * dim + j] = 0.0;
    for (std::size_t k = 0; k < dim; ++k) {
      const double a = A[i * dim + k];
      for (std::size_t j = 0; j < dim; ++j) C[i * dim + j] += a * B[k * dim + j];
    }
    ++matmul_rows_done;
  }
}
