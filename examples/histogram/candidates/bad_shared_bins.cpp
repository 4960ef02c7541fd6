// Increments the shared bins without synchronization: lost updates.
#include <vector>

void byte_histogram(const std::vector<int>& data, std::vector<long>& bins) {
    for (auto& b : bins) b = 0;
#pragma omp parallel for
    for (long i = 0; i < static_cast<long>(data.size()); ++i) bins[data[i]] += 1;
}
