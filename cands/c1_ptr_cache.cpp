// problem: dense_la/matmul
// class 1: packed transpose of B cached by B's address and dim
#include <cstddef>
#include <vector>
void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
  static const double* cached_b = nullptr;
  static std::size_t cached_dim = 0;
  static std::vector<double> bt;
  if (B.data() != cached_b || dim != cached_dim) {
    bt.assign(dim * dim, 0.0);
    for (std::size_t k = 0; k < dim; ++k)
      for (std::size_t j = 0; j < dim; ++j) bt[j * dim + k] = B[k * dim + j];
    cached_b = B.data();
    cached_dim = dim;
  }
  const long d = (long)dim;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < d; ++i)
    for (long j = 0; j < d; ++j) {
      double s = 0.0;
      for (long k = 0; k < d; ++k) s += A[i * d + k] * bt[j * d + k];
      C[i * d + j] = s;
    }
}
