// expect: race
#include <cstddef>
#include <vector>

#include "hooks.h"

// Tracks the longest row in a shared variable without synchronization (for "statistics").
// It is not part of the output, so y is right, but the reads and writes race.
std::int64_t spmv_longest_row = 0;  // external linkage: the stores cannot be optimized away

void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < A.rows; ++i) {
    const std::int64_t len = A.row_ptr[i + 1] - A.row_ptr[i];
    if (len >= spmv_longest_row) spmv_longest_row = len;
    double s = 0.0;
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) s += A.val[k] * x[A.col[k]];
    y[i] = s;
  }
}
