#include <cstddef>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Each thread owns a contiguous block of rows of A and counts its entries per column.
// Offsets come from a scan over (column, thread) in that order, so thread t's entries of
// column j land after those of threads < t: exactly the serial (row-ordered) layout.
// The scan over columns is itself split: per-thread column-range totals, then a prefix.
void csr_transpose(const Csr& A, Csr& T) {
  const std::size_t rows = A.rows, cols = A.cols, nnz = A.col.size();
  T.rows = cols;
  T.cols = rows;
  T.row_ptr.assign(cols + 1, 0);
  T.col.resize(nnz);
  T.val.resize(nnz);
  const int nt = omp_get_max_threads();
  // count[t * cols + j]: entries of column j in thread t's rows; later its start offset.
  std::vector<std::int64_t> count(static_cast<std::size_t>(nt) * cols, 0);
  std::vector<std::int64_t> block_total(nt + 1, 0);
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num();
    const int team = omp_get_num_threads();
    const std::size_t lo = rows * t / team, hi = rows * (t + 1) / team;
    std::int64_t* mine = count.data() + static_cast<std::size_t>(t) * cols;
    for (std::int64_t k = A.row_ptr[lo]; k < A.row_ptr[hi]; ++k) ++mine[A.col[k]];
#pragma omp barrier
    // Column block [c0, c1) for this thread: local exclusive offsets over (j, q).
    const std::size_t c0 = cols * t / team, c1 = cols * (t + 1) / team;
    std::int64_t run = 0;
    for (std::size_t j = c0; j < c1; ++j) {
      for (int q = 0; q < team; ++q) {
        std::int64_t& c = count[static_cast<std::size_t>(q) * cols + j];
        const std::int64_t v = c;
        c = run;
        run += v;
      }
    }
    block_total[t + 1] = run;
#pragma omp barrier
#pragma omp single
    for (int q = 0; q < team; ++q) block_total[q + 1] += block_total[q];
    const std::int64_t base = block_total[t];
    for (std::size_t j = c0; j < c1; ++j) {
      T.row_ptr[j] = base + count[j];  // thread 0's offset is the column start
      for (int q = 0; q < team; ++q) count[static_cast<std::size_t>(q) * cols + j] += base;
    }
    if (t == team - 1) T.row_ptr[cols] = static_cast<std::int64_t>(nnz);
#pragma omp barrier
    for (std::size_t i = lo; i < hi; ++i) {
      for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) {
        const std::int64_t dst = mine[A.col[k]]++;
        T.col[dst] = static_cast<std::int32_t>(i);
        T.val[dst] = A.val[k];
      }
    }
  }
}
