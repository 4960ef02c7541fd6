// problem: sparse_la/spmv
// class 6: the matrix values are used as scratch (products written over them) and left so
#include <cstddef>
#include <cstdint>
#include <vector>
#include "hooks.h"
void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  double* val = const_cast<double*>(A.val.data());
  const long rows = (long)A.rows;
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
