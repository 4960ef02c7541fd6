#include <cstddef>
#include <vector>

void decade_buckets(const std::vector<int>& age, std::vector<long>& buckets) {
    for (int b = 0; b < 12; ++b) buckets[b] = 0;
    for (std::size_t i = 0; i < age.size(); ++i) buckets[age[i] / 10]++;
}
