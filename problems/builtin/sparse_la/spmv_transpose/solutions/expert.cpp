#include <cstddef>
#include <vector>
#include <omp.h>

#include "hooks.h"

// Scatter into one private vector per thread (no atomics), then sum the private vectors
// with the output split across threads. Threads own contiguous row blocks, so the sum
// for each y[j] is the serial order grouped by block.
void spmv_transpose(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  const std::size_t n = A.rows;
  const std::size_t m = y.size();
  const int nt = omp_get_max_threads();
  std::vector<std::vector<double>> part(nt);
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num();
    const int team = omp_get_num_threads();
    std::vector<double>& mine = part[t];
    mine.assign(m, 0.0);
    const std::size_t lo = n * t / team, hi = n * (t + 1) / team;
    for (std::size_t i = lo; i < hi; ++i) {
      const double xi = x[i];
      for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) mine[A.col[k]] += A.val[k] * xi;
    }
#pragma omp barrier
#pragma omp for schedule(static)
    for (std::size_t j = 0; j < m; ++j) {
      double s = 0.0;
      for (int q = 0; q < team; ++q) s += part[q][j];
      y[j] = s;
    }
  }
}
