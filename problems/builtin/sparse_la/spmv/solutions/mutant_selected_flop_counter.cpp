// expect: race
// Rows in dynamic chunks (race-free), plus a count of the floating-point operations done,
// for the caller's GFLOP/s report. A pointer picks where the count goes: the thread's own
// counter (added atomically at the end) while the matrix is small, the global counter
// directly once there are enough rows per thread (a threshold read from a static table
// by team size) "to save the atomic". Above it every thread does an unsynchronized
// read-modify-write of the global per row. The choice is a select of the pointer: the
// same instructions run at every size, only the address they update is shared.
#include <algorithm>
#include <cstddef>
#include <omp.h>
#include <vector>

#include "hooks.h"

double spmv_flops = 0.0;

namespace {
// rows above which a team counts straight into the global, by team size (1..8)
const std::size_t kDirectRows[9] = {0, 8192, 16384, 24576, 32768, 40960, 49152, 57344, 65536};
}  // namespace

void spmv(const Csr& A, const std::vector<double>& x, std::vector<double>& y) {
  const std::int64_t* rp = A.row_ptr.data();
  const std::int32_t* col = A.col.data();
  const double* val = A.val.data();
  const double* xv = x.data();
  double* yv = y.data();
  const std::size_t rows = A.rows;
  const std::size_t direct_from = kDirectRows[std::min(omp_get_max_threads(), 8)];
#pragma omp parallel
  {
    double mine = 0.0;
    double* flops = rows > direct_from ? &spmv_flops : &mine;
#pragma omp for schedule(dynamic, 2048)
    for (std::size_t i = 0; i < rows; ++i) {
      double s = 0.0;
      for (std::int64_t k = rp[i]; k < rp[i + 1]; ++k) s += val[k] * xv[col[k]];
      yv[i] = s;
      *flops += 2.0 * static_cast<double>(rp[i + 1] - rp[i]);
    }
#pragma omp atomic
    spmv_flops += mine;
  }
}
