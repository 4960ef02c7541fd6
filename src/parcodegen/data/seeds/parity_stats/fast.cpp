#include <cstddef>
#include <vector>
#include <omp.h>

namespace {
struct alignas(64) Slot {  // one cache line per thread: no false sharing
    long evens = 0;
    long odd_sum = 0;
};
}

void parity_stats(const std::vector<int>& v, long& evens, long& odd_sum) {
    const long n = static_cast<long>(v.size());
    std::vector<Slot> slots(omp_get_max_threads());
    #pragma omp parallel
    {
        Slot& mine = slots[omp_get_thread_num()];
        #pragma omp for schedule(static)
        for (long i = 0; i < n; ++i) {
            if (v[i] % 2 == 0) mine.evens++;
            else mine.odd_sum += v[i];
        }
    }
    evens = 0;
    odd_sum = 0;
    for (const Slot& s : slots) {
        evens += s.evens;
        odd_sum += s.odd_sum;
    }
}
