// expect: wrong_output
#include <cstddef>
#include <vector>
#include <omp.h>

// Hand-made row blocks: dim / T rows per thread, the remainder rows are never computed.
void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
#pragma omp parallel
  {
    const std::size_t t = omp_get_thread_num();
    const std::size_t nt = omp_get_num_threads();
    const std::size_t chunk = dim / nt;
    for (std::size_t i = t * chunk; i < (t + 1) * chunk; ++i) {
      for (std::size_t j = 0; j < dim; ++j) C[i * dim + j] = 0.0;
      for (std::size_t k = 0; k < dim; ++k) {
        const double a = A[i * dim + k];
        for (std::size_t j = 0; j < dim; ++j) C[i * dim + j] += a * B[k * dim + j];
      }
    }
  }
}
