#include <algorithm>
#include <cstddef>
#include <vector>

#include "hooks.h"

void spmv_transpose(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  std::fill(y.begin(), y.end(), 0.0);
  for (std::size_t i = 0; i < A.rows; ++i) {
    const double xi = x[i];
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) y[A.col[k]] += A.val[k] * xi;
  }
}
