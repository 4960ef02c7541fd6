#include <vector>

void byte_histogram(const std::vector<int>& data, std::vector<long>& bins) {
    for (auto& b : bins) b = 0;
    for (int v : data) bins[v] += 1;
}
