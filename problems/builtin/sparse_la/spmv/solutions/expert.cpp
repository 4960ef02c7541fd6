#include <cstddef>
#include <vector>

#include "hooks.h"

// Rows are independent; row lengths vary (some inputs have a few very long rows), so
// rows are handed out in dynamic chunks large enough to keep scheduling cheap.
void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  const std::int64_t* rp = A.row_ptr.data();
  const std::int32_t* col = A.col.data();
  const double* val = A.val.data();
  const double* xv = x.data();
  double* yv = y.data();
  const std::size_t rows = A.rows;
#pragma omp parallel for schedule(dynamic, 2048)
  for (std::size_t i = 0; i < rows; ++i) {
    double s = 0.0;
    for (std::int64_t k = rp[i]; k < rp[i + 1]; ++k) s += val[k] * xv[col[k]];
    yv[i] = s;
  }
}
