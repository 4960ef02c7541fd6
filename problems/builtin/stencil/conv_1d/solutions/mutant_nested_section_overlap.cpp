// expect: race
// Two sections: one thread convolves the second half on its own while the other opens a
// nested team for the first half. For long inputs the first half's end is rounded up to a
// whole page of outputs (512), so a thread of the nested team writes outputs that the
// other section's thread is writing at the same time: the same values, so the output is
// right, but the writes race. The rounding is computed at run time: the same instructions
// at every size, and the racing pair is a nested team's thread and a thread of the outer
// team (a team of one when nesting is off: the first section's thread itself).
#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
double at(const std::vector<double>& x, const std::vector<double>& k, long n, long half, long i) {
  double sum = 0.0;
  for (long j = 0; j < static_cast<long>(k.size()); ++j) {
    const long src = i + j - half;
    if (src >= 0 && src < n) sum += k[j] * x[src];
  }
  return sum;
}
}  // namespace

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long half = static_cast<long>(k.size()) / 2;
  const long mid = n / 2;
  const long page = 512;
  const long big = static_cast<long>(omp_get_max_threads()) * 8192;
  const long first_end = std::min(n, n > big ? mid + page - mid % page : mid);
#pragma omp parallel sections
  {
#pragma omp section
    {
#pragma omp parallel for schedule(static)
      for (long i = 0; i < first_end; ++i) y[i] = at(x, k, n, half, i);
    }
#pragma omp section
    for (long i = mid; i < n; ++i) y[i] = at(x, k, n, half, i);
  }
}
