// problem: sparse_la/spmv
// class 1/6: accumulates into y instead of overwriting it (right only when y arrives zeroed)
#include <cstdint>
#include <vector>
#include "hooks.h"
void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  const long rows = (long)A.rows;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < rows; ++i)
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) y[i] += A.val[k] * x[A.col[k]];
}
