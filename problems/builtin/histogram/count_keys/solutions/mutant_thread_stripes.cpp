// expect: race
#include <algorithm>
#include <cstdint>
#include <vector>
#include <omp.h>

// Lock striping for long inputs: the writer meant to spread the lock traffic over two
// locks but chose the stripe by thread instead of by key, so two threads can update one
// count under two different locks. Short inputs use one lock. The same instructions run
// at every size: only the lock a thread takes changes, above a size computed at run time.
void count_keys(const std::vector<std::int32_t>& keys, std::vector<std::int32_t>& counts) {
  const long n = static_cast<long>(keys.size());
  std::fill(counts.begin(), counts.end(), 0);
  const int stripes = 1 + (n > static_cast<long>(omp_get_max_threads()) * 8192);
  omp_lock_t locks[2];
  omp_init_lock(&locks[0]);
  omp_init_lock(&locks[1]);
#pragma omp parallel
  {
    omp_lock_t* mine = &locks[omp_get_thread_num() % stripes];
#pragma omp for
    for (long i = 0; i < n; ++i) {
      omp_set_lock(mine);
      ++counts[keys[i]];
      omp_unset_lock(mine);
    }
  }
  omp_destroy_lock(&locks[0]);
  omp_destroy_lock(&locks[1]);
}
