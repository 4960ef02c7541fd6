// Forgets to clear the bins first: right only when they start at zero.
#include <vector>

void byte_histogram(const std::vector<int>& data, std::vector<long>& bins) {
#pragma omp parallel
    {
        std::vector<long> local(256, 0);
#pragma omp for nowait
        for (long i = 0; i < static_cast<long>(data.size()); ++i) local[data[i]] += 1;
#pragma omp critical
        for (int k = 0; k < 256; ++k) bins[k] += local[k];
    }
}
