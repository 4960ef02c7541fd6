#include <vector>

void byte_histogram(const std::vector<int>& data, std::vector<long>& bins) {
    for (auto& b : bins) b = 0;
    const long n = static_cast<long>(data.size());
    const int* d = data.data();
#pragma omp parallel
    {
        long local[256] = {0};
#pragma omp for schedule(static) nowait
        for (long i = 0; i < n; ++i) local[d[i]] += 1;
#pragma omp critical
        for (int k = 0; k < 256; ++k) bins[k] += local[k];
    }
}
