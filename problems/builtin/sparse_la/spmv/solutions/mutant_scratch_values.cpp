// expect: wrong_output
// Inputs changed: the matrix's values are used as scratch (each product is written over
// its value, through const_cast) and left so. y is right; the caller's const Csr is not.
// Csr has no operator==, so the const-input check used to skip it; it now compares the
// fields pcg_fields lists, byte for byte.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  double* val = const_cast<double*>(A.val.data());
  const long rows = static_cast<long>(A.rows);
#pragma omp parallel for schedule(dynamic, 64)
  for (long i = 0; i < rows; ++i) {
    double s = 0.0;
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) {
      val[k] *= x[A.col[k]];
      s += val[k];
    }
    y[i] = s;
  }
}
