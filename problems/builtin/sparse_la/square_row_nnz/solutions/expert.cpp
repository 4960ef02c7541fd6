#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

// Rows are independent once each thread has its own marker array (privatization); the
// work per row varies a lot, so rows are scheduled dynamically.
void square_row_nnz(const Csr& A, std::vector<std::int64_t>& counts) {
  const std::int64_t* rp = A.row_ptr.data();
  const std::int32_t* col = A.col.data();
  const std::size_t rows = A.rows;
#pragma omp parallel
  {
    std::vector<std::int64_t> last_row(A.cols, -1);
#pragma omp for schedule(dynamic, 256)
    for (std::size_t i = 0; i < rows; ++i) {
      const std::int64_t row = static_cast<std::int64_t>(i);
      std::int64_t count = 0;
      for (std::int64_t k = rp[i]; k < rp[i + 1]; ++k) {
        const std::int32_t j = col[k];
        for (std::int64_t l = rp[j]; l < rp[j + 1]; ++l) {
          const std::int32_t c = col[l];
          if (last_row[c] != row) {
            last_row[c] = row;
            ++count;
          }
        }
      }
      counts[i] = count;
    }
  }
}
