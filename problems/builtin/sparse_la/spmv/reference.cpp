#include <cstddef>
#include <vector>

#include "hooks.h"

void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t i = 0; i < A.rows; ++i) {
    double s = 0.0;
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) s += A.val[k] * x[A.col[k]];
    y[i] = s;
  }
}
