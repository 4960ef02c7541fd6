// expect: race
#include <cstddef>
#include <vector>

#include "hooks.h"

// A shared "found a non-empty row" flag set by every thread without synchronization.
// All writers store the same value, so the result is right, but the writes race.
double quadratic_form(const Csr& A, const std::vector<double>& x) {
  double total = 0.0;
  bool any = false;
#pragma omp parallel for schedule(static) reduction(+ : total)
  for (std::size_t i = 0; i < A.rows; ++i) {
    if (A.row_ptr[i + 1] == A.row_ptr[i]) continue;
    any = true;
    double row = 0.0;
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) row += A.val[k] * x[A.col[k]];
    total += x[i] * row;
  }
  return any ? total : 0.0;
}
