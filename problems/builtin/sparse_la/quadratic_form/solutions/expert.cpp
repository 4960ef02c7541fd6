#include <cstddef>
#include <vector>

#include "hooks.h"

// Row products are independent; their weighted sum is an OpenMP reduction.
double quadratic_form(const Csr& A, const std::vector<double>& x) {
  const std::int64_t* rp = A.row_ptr.data();
  const std::int32_t* col = A.col.data();
  const double* val = A.val.data();
  const double* xv = x.data();
  const std::size_t rows = A.rows;
  double total = 0.0;
#pragma omp parallel for schedule(dynamic, 2048) reduction(+ : total)
  for (std::size_t i = 0; i < rows; ++i) {
    double row = 0.0;
    for (std::int64_t k = rp[i]; k < rp[i + 1]; ++k) row += val[k] * xv[col[k]];
    total += xv[i] * row;
  }
  return total;
}
