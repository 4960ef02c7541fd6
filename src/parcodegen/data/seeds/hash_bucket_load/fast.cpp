#include <cstddef>
#include <cstdint>
#include <vector>

void hash_bucket_load(const std::vector<uint32_t>& keys, std::vector<long>& load) {
    for (int b = 0; b < 64; ++b) load[b] = 0;
    const long n = static_cast<long>(keys.size());
    #pragma omp parallel
    {
        long local[64] = {0};  // this thread's private table
        #pragma omp for schedule(static) nowait
        for (long i = 0; i < n; ++i) {
            uint32_t h = keys[i] * 2654435761u;
            local[h >> 26]++;
        }
        #pragma omp critical
        for (int b = 0; b < 64; ++b) load[b] += local[b];
    }
}
