// expect: wrong_output
// One block per core the process may run on, counted from its CPU affinity mask (so that
// taskset and container CPU limits are respected), and a join that links a run across one
// block boundary only: a run that covers a whole middle block and goes on into the next
// one is cut at each boundary. Right with at most two blocks; with three or more a long
// run (constant or sorted input) comes out short. The checks showed the program the tested
// thread counts as its cores through sysconf, get_nprocs and omp_get_num_procs, but the
// affinity mask still held this 2-core machine's 2 cores: only two blocks were ever run.
#include <algorithm>
#include <sched.h>
#include <vector>

namespace {
struct Block {
  long head, tail, best;  // the run at the block's start, at its end, the longest inside
};

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}
}  // namespace

long longest_run(const std::vector<int>& v) {
  const long n = static_cast<long>(v.size());
  if (n == 0) return 0;
  const int parts = static_cast<int>(std::min<long>(n, usable_cores()));
  std::vector<Block> blocks(parts);
#pragma omp parallel for schedule(static, 1) num_threads(parts)
  for (int p = 0; p < parts; ++p) {
    const long lo = n * p / parts, hi = n * (p + 1) / parts;
    long head = 1;
    while (lo + head < hi && v[lo + head] == v[lo]) ++head;
    long tail = 1;
    while (hi - 1 - tail >= lo && v[hi - 1 - tail] == v[hi - 1]) ++tail;
    long best = 1, current = 1;
    for (long i = lo + 1; i < hi; ++i) {
      current = v[i] == v[i - 1] ? current + 1 : 1;
      best = std::max(best, current);
    }
    blocks[p] = Block{head, tail, best};
  }
  long best = 0;
  for (int p = 0; p < parts; ++p) {
    best = std::max(best, blocks[p].best);
    const long lo = n * p / parts;
    if (p > 0 && v[lo - 1] == v[lo]) best = std::max(best, blocks[p - 1].tail + blocks[p].head);
  }
  return best;
}
