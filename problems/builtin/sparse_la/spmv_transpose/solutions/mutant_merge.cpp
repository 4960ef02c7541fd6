// expect: wrong_output
#include <cstddef>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Private scatter vectors, but the merge starts at thread 1: thread 0's part is lost.
void spmv_transpose(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  const int nt = omp_get_max_threads();
  std::vector<std::vector<double>> part(nt, std::vector<double>(y.size(), 0.0));
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < A.rows; ++i) {
    std::vector<double>& mine = part[omp_get_thread_num()];
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) mine[A.col[k]] += A.val[k] * x[i];
  }
#pragma omp parallel for schedule(static)
  for (std::size_t j = 0; j < y.size(); ++j) {
    double s = 0.0;
    for (int q = 1; q < nt; ++q) s += part[q][j];
    y[j] = s;
  }
}
