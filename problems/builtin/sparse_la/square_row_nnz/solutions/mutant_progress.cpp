// expect: race
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

// A shared progress counter incremented without synchronization. It is not part of the
// output, so results are right, but the increments race.
std::size_t square_rows_done = 0;  // external linkage: the stores cannot be optimized away

void square_row_nnz(const Csr& A, std::vector<std::int64_t>& counts) {
#pragma omp parallel
  {
    std::vector<std::int64_t> last_row(A.cols, -1);
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < A.rows; ++i) {
      const std::int64_t row = static_cast<std::int64_t>(i);
      std::int64_t count = 0;
      for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) {
        const std::int32_t j = A.col[k];
        for (std::int64_t l = A.row_ptr[j]; l < A.row_ptr[j + 1]; ++l) {
          const std::int32_t c = A.col[l];
          if (last_row[c] != row) {
            last_row[c] = row;
            ++count;
          }
        }
      }
      counts[i] = count;
      ++square_rows_done;
    }
  }
}
