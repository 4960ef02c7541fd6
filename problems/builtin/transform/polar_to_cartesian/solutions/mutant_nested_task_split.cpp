// expect: race
// The creating thread hands the first half to a task, which splits it again into two tasks
// of its own, and converts the second half itself. For long inputs the first half's end is
// rounded up to a whole page of points (512), so the task's second child writes points
// that the creating thread is writing at the same time: the same values, so the outputs
// are right, but the writes race. The rounding is computed at run time: the same
// instructions at every size, and the racing pair is a task's child and its uncle (the
// creator's continuation), not a task and its creator. In a team, the creating thread
// waits (a while at most) until the task has started, so another thread runs it and its
// children: left to the scheduler, the creating thread often finished its half first and
// ran the task itself at its taskwait (the race step's TSan then found nothing in 7 of 8
// calls, and the mutant passed once in 6 verifications and in CI).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <omp.h>
#include <vector>

namespace {
void convert(const std::vector<double>& r, const std::vector<double>& theta,
             std::vector<double>& x, std::vector<double>& y, long lo, long hi) {
  for (long i = lo; i < hi; ++i) {
    x[i] = r[i] * std::cos(theta[i]);
    y[i] = r[i] * std::sin(theta[i]);
  }
}
}  // namespace

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(r.size());
  const long half = n / 2;
  const long page = 512;
  const long big = static_cast<long>(omp_get_max_threads()) * 8192;
  const long first_end = std::min(n, n > big ? half + page - half % page : half);
  std::atomic<int> started{0};
#pragma omp parallel
#pragma omp single
  {
#pragma omp task shared(r, theta, x, y, started)
    {
      started.store(1, std::memory_order_relaxed);
      const long quarter = first_end / 2;
#pragma omp task shared(r, theta, x, y)
      convert(r, theta, x, y, 0, quarter);
#pragma omp task shared(r, theta, x, y)
      convert(r, theta, x, y, quarter, first_end);
#pragma omp taskwait
    }
    for (long s = 0; omp_get_num_threads() > 1 && s < 100000000; ++s)
      if (started.load(std::memory_order_relaxed)) break;
    convert(r, theta, x, y, half, n);
#pragma omp taskwait
  }
}
