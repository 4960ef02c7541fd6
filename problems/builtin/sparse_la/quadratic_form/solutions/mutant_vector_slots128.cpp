// expect: race
// Per-thread partial sums in a table sized once for "any machine we run on": 128 slots,
// each on its own cache line, indexed by the thread number modulo the table's size and
// added up after the region. The table is a std::vector sized at run time, so no array
// extent or `% 128` shows the bound. Right for teams up to 128 threads; with more
// (OMP_NUM_THREADS above 128, or a machine with more hardware threads) threads t and
// t + 128 add into one slot at once and one partial sum is lost.
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

#include "hooks.h"

namespace {
struct alignas(64) Partial {
  double sum = 0.0;
};
}  // namespace

double quadratic_form(const Csr& A, const std::vector<double>& x) {
  const std::int64_t* rp = A.row_ptr.data();
  const std::int32_t* col = A.col.data();
  const double* val = A.val.data();
  const double* xv = x.data();
  const long rows = static_cast<long>(A.rows);
  std::vector<Partial> parts(128);
#pragma omp parallel
  {
    double mine = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < rows; ++i) {
      double row = 0.0;
      for (std::int64_t k = rp[i]; k < rp[i + 1]; ++k) row += val[k] * xv[col[k]];
      mine += xv[i] * row;
    }
    parts[omp_get_thread_num() % parts.size()].sum += mine;
  }
  double total = 0.0;
  for (const Partial& p : parts) total += p.sum;
  return total;
}
