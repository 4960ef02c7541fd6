// expect: race
// An interleaving-only task race: one task per block of 4 rows, and a task for the
// remaining rows that starts one row early (off by one), so two tasks without `depend`
// write the same row of C. Both write the same values, so the output is right; the
// detector sees the conflict only when those two tasks run on different threads, which
// with many blocks (n = 65) and 2 or 4 threads is rare: the creating thread runs its
// newest tasks itself.
#include <cstddef>
#include <vector>

static void rows(const std::vector<double>& A, const std::vector<double>& B,
                 std::vector<double>& C, std::size_t dim, std::size_t lo, std::size_t hi) {
  std::vector<double> row(dim);
  for (std::size_t i = lo; i < hi; ++i) {
    for (std::size_t j = 0; j < dim; ++j) row[j] = 0.0;
    for (std::size_t k = 0; k < dim; ++k) {
      const double a = A[i * dim + k];
      for (std::size_t j = 0; j < dim; ++j) row[j] += a * B[k * dim + j];
    }
    for (std::size_t j = 0; j < dim; ++j) C[i * dim + j] = row[j];
  }
}

void matmul(const std::vector<double>& A, const std::vector<double>& B, std::vector<double>& C,
            std::size_t dim) {
  const std::size_t block = 4;
  const std::size_t full = dim / block;
#pragma omp parallel
#pragma omp single
  {
    for (std::size_t b = 0; b < full; ++b) {
#pragma omp task firstprivate(b) shared(A, B, C)
      rows(A, B, C, dim, b * block, (b + 1) * block);
    }
    const std::size_t rest = full > 0 ? full * block - 1 : 0;
#pragma omp task firstprivate(rest) shared(A, B, C)
    rows(A, B, C, dim, rest, dim);
  }
}
