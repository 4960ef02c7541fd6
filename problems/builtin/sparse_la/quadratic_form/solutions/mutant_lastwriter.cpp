// expect: wrong_output
#include <cstddef>
#include <vector>

#include "hooks.h"

// Per-thread partial sums are copied, not added, into the total: the last thread wins.
double quadratic_form(const Csr& A, const std::vector<double>& x) {
  double total = 0.0;
#pragma omp parallel
  {
    double mine = 0.0;
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < A.rows; ++i) {
      double row = 0.0;
      for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) row += A.val[k] * x[A.col[k]];
      mine += x[i] * row;
    }
#pragma omp critical
    total = mine;
  }
  return total;
}
