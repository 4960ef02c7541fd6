#include <cstddef>
#include <vector>

#include "hooks.h"

double quadratic_form(const Csr& A, const std::vector<double>& x) {
  double total = 0.0;
  for (std::size_t i = 0; i < A.rows; ++i) {
    double row = 0.0;
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) row += A.val[k] * x[A.col[k]];
    total += x[i] * row;
  }
  return total;
}
