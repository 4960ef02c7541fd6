// expect: race
// Dynamic teams (omp_set_dynamic(1)) and a race that leaves the output right: every
// thread writes the shared `merged` counter without synchronisation after its table is
// merged. (Under the race build's OpenMP runtime, dynamic teams used to abort the
// process in the sandbox, which hid what the code does; now the race is found.)
#include <cstdint>
#include <vector>
#include <omp.h>

void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  const long n = static_cast<long>(keys.size()), m = static_cast<long>(counts.size());
  omp_set_dynamic(1);
  std::vector<std::vector<std::int32_t>> local;
  long merged = 0;
#pragma omp parallel
  {
#pragma omp single
    local.assign(omp_get_num_threads(), std::vector<std::int32_t>(m, 0));
    auto& mine = local[omp_get_thread_num()];
#pragma omp for
    for (long i = 0; i < n; ++i) ++mine[keys[i]];
#pragma omp for
    for (long c = 0; c < m; ++c) {
      std::int32_t s = 0;
      for (const auto& l : local) s += l[c];
      counts[c] = s;
    }
    merged = merged + 1;
  }
  omp_set_dynamic(0);
  (void)merged;
}
