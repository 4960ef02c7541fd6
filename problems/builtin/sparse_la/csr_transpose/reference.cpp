#include <cstddef>
#include <vector>

#include "hooks.h"

// Count entries per column, turn the counts into offsets, then scatter the entries in
// row order (which keeps each output row sorted by column).
void csr_transpose(const Csr& A, Csr& T) {
  T.rows = A.cols;
  T.cols = A.rows;
  T.row_ptr.assign(T.rows + 1, 0);
  const std::size_t nnz = A.col.size();
  T.col.resize(nnz);
  T.val.resize(nnz);
  for (std::size_t k = 0; k < nnz; ++k) ++T.row_ptr[A.col[k] + 1];
  for (std::size_t j = 0; j < T.rows; ++j) T.row_ptr[j + 1] += T.row_ptr[j];
  std::vector<std::int64_t> next(T.row_ptr.begin(), T.row_ptr.end() - 1);
  for (std::size_t i = 0; i < A.rows; ++i) {
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) {
      const std::int64_t dst = next[A.col[k]]++;
      T.col[dst] = static_cast<std::int32_t>(i);
      T.val[dst] = A.val[k];
    }
  }
}
