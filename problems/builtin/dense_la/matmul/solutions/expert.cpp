#include <cstddef>
#include <vector>

// Rows of C are independent: split them across threads. Each row is accumulated in the
// same k order as the serial code, so results are identical.
void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
  const double* a = A.data();
  const double* b = B.data();
  double* c = C.data();
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < dim; ++i) {
    double* ci = c + i * dim;
    for (std::size_t j = 0; j < dim; ++j) ci[j] = 0.0;
    for (std::size_t k = 0; k < dim; ++k) {
      const double aik = a[i * dim + k];
      const double* bk = b + k * dim;
#pragma omp simd
      for (std::size_t j = 0; j < dim; ++j) ci[j] += aik * bk[j];
    }
  }
}
