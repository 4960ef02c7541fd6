// expect: race
// One private histogram per core (omp_get_num_procs(): "no more partial tables than the
// machine can run at once"), each thread counting into the table of its core,
// omp_get_thread_num() % cores, then the tables summed. Right while the team has no more
// threads than the machine has cores. With more (OMP_NUM_THREADS above the cores, as under
// a Slurm or cgroup CPU limit, a taskset mask, or with hyperthreading off), threads t and
// t + cores count into the same table without synchronization and lose increments. The
// checks showed every call its own thread count as the core count, so the team never had
// more threads than cores.
#include <array>
#include <cstddef>
#include <cstdint>
#include <omp.h>
#include <vector>

void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  const int cores = omp_get_num_procs();
  std::vector<std::array<std::int64_t, 256>> partial(static_cast<std::size_t>(cores));
  for (auto& table : partial) table.fill(0);
  const int* d = data.data();
  const long n = static_cast<long>(data.size());
#pragma omp parallel
  {
    std::array<std::int64_t, 256>& mine = partial[omp_get_thread_num() % cores];
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) ++mine[d[i]];
  }
  for (int b = 0; b < 256; ++b) {
    std::int64_t sum = 0;
    for (const auto& table : partial) sum += table[b];
    bins[b] = sum;
  }
}
