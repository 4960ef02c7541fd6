// expect: race
// Thread 0 hands the first half to a task whose own task (a grandchild) does the work;
// the task does not wait for it, and thread 0's taskwait waits for the task only, so the
// grandchild may still be running when thread 0 goes on to the second half. For long
// inputs the first half's end is rounded up to a whole page of outputs (512), so the
// grandchild writes outputs that thread 0 is writing at the same time: the same values,
// so the output is right, but the writes race. The rounding is computed at run time: the
// same instructions at every size. (The task waits until its grandchild has started, and
// the other threads wait until the task has started, so the grandchild runs on another
// thread than thread 0, which runs the task in its taskwait: left to the scheduler, the
// grandchild mostly ran on thread 0, after which nothing can see the race.)
#include <algorithm>
#include <atomic>
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

// until `flag` is set, a while at most
void await(std::atomic<int>& flag) {
  for (long spin = 0; flag.fetch_add(0) == 0 && spin < 100000000; ++spin) {
  }
}
}  // namespace

void conv_1d(const std::vector<double>& x, const std::vector<double>& k, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long half = static_cast<long>(k.size()) / 2;
  const long mid = n / 2;
  const long page = 512;
  const long big = static_cast<long>(omp_get_max_threads()) * 8192;
  const long first_end = std::min(n, n > big ? mid + page - mid % page : mid);
  std::atomic<int> task_started{0}, grandchild_started{0};
#pragma omp parallel shared(task_started, grandchild_started)
  {
    if (omp_get_thread_num() == 0) {
#pragma omp task shared(x, k, y, task_started, grandchild_started)
      {
        task_started.fetch_add(1);
#pragma omp task shared(x, k, y, grandchild_started)
        {
          grandchild_started.fetch_add(1);
          for (long i = 0; i < first_end; ++i) y[i] = at(x, k, n, half, i);
        }
        await(grandchild_started);
      }
#pragma omp taskwait
      for (long i = mid; i < n; ++i) y[i] = at(x, k, n, half, i);
    } else {
      await(task_started);
    }
  }
}
