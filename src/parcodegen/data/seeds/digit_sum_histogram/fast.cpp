#include <cstddef>
#include <cstdint>
#include <vector>

void digit_sum_histogram(const std::vector<uint64_t>& v, std::vector<long>& hist) {
    for (int b = 0; b < 109; ++b) hist[b] = 0;
    const long n = static_cast<long>(v.size());
    #pragma omp parallel
    {
        long local[109] = {0};
        #pragma omp for schedule(static) nowait
        for (long i = 0; i < n; ++i) {
            uint64_t x = v[i];
            int s = 0;
            while (x) {
                s += static_cast<int>(x % 10);
                x /= 10;
            }
            local[s]++;
        }
        #pragma omp critical
        for (int b = 0; b < 109; ++b) hist[b] += local[b];
    }
}
