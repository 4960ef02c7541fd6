// expect: race
// The creating thread hands the first half to a task and does the second half itself. For
// long inputs the task's part is rounded up to a whole page of elements (512 doubles), so
// the task reaches into the elements its creator is writing at the same time: both write
// the same values, so the output is right, but the writes race. The split and the
// rounding are computed at run time: the same instructions at every size. In a team, the
// creator waits (a while at most) until the task has started, so another thread runs it:
// left to the scheduler, the creator ran it itself at its taskwait in some runs, and
// neither the probe nor TSan can see a race within one thread.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <omp.h>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long half = n / 2;
  const long page = 512;
  const long big = static_cast<long>(omp_get_max_threads()) * 8192;
  const long task_end = std::min(n, n > big ? half + page - half % page : half);
  std::atomic<int> started{0};
#pragma omp parallel
#pragma omp single
  {
#pragma omp task shared(x, y, started)
    {
      started.store(1, std::memory_order_relaxed);
      for (long i = 0; i < task_end; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
    }
    for (long s = 0; omp_get_num_threads() > 1 && s < 100000000; ++s)
      if (started.load(std::memory_order_relaxed)) break;
    for (long i = half; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
#pragma omp taskwait
  }
}
