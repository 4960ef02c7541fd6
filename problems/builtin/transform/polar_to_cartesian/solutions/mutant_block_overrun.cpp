// expect: race
// Hand-made chunks. A long chunk (more than 256 KiB of doubles, computed at run time) ends
// on a page boundary "so no two threads write one page", but its start is not moved the
// same way, and the end is rounded up one page too far ((end + page) & ~(page - 1), not
// end + page - 1): it always runs 1..512 elements into the next thread's chunk. At every
// checked size chunks are short and end exactly. At the benchmark size (6M elements per
// chunk at 2 threads) a thread writes the next chunk's first 128 x[i] and y[i] as well,
// with the same values (the outputs are right), with nothing ordering the two writes. No
// code runs there that did not run in a team at the checked sizes; only the addresses
// differ.
#include <algorithm>
#include <cmath>
#include <omp.h>
#include <unistd.h>
#include <vector>

namespace {
long page_elems() {  // a power of two
  static const long elems = sysconf(_SC_PAGESIZE) / static_cast<long>(sizeof(double));
  return elems;
}
long l2_elems() {
  static const long elems = (256L << 10) / static_cast<long>(sizeof(double));
  return elems;
}
}  // namespace

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(r.size());
  const double* pr = r.data();
  const double* pt = theta.data();
  double* px = x.data();
  double* py = y.data();
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long chunk = (n + nt - 1) / nt;
    const long page = page_elems();
    const long lo = std::min(n, t * chunk);
    const long end = lo + chunk;
    const long aligned = (end + page) & ~(page - 1);
    const long hi = std::min(n, chunk > l2_elems() ? aligned : end);
    for (long i = lo; i < hi; ++i) {
      px[i] = pr[i] * std::cos(pt[i]);
      py[i] = pr[i] * std::sin(pt[i]);
    }
  }
}
