// expect: wrong_output
#include <cstddef>
#include <vector>

#include "hooks.h"

// The row sum is a firstprivate copy that is never reset: each thread carries its
// running total from one row into the next.
void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  double s = 0.0;
#pragma omp parallel for firstprivate(s) schedule(static)
  for (std::size_t i = 0; i < A.rows; ++i) {
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) s += A.val[k] * x[A.col[k]];
    y[i] = s;
  }
}
