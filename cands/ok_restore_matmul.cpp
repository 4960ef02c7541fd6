// problem: dense_la/matmul
// class 6 (correct): B transposed in place for the product and transposed back before returning
#include <cstddef>
#include <utility>
#include <vector>
void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
  auto& b = const_cast<std::vector<double>&>(B);
  const long d = (long)dim;
  for (long i = 0; i < d; ++i) for (long j = i + 1; j < d; ++j) std::swap(b[i * d + j], b[j * d + i]);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < d; ++i)
    for (long j = 0; j < d; ++j) {
      double s = 0.0;
      for (long k = 0; k < d; ++k) s += A[i * d + k] * b[j * d + k];
      C[i * d + j] = s;
    }
  for (long i = 0; i < d; ++i) for (long j = i + 1; j < d; ++j) std::swap(b[i * d + j], b[j * d + i]);
}
