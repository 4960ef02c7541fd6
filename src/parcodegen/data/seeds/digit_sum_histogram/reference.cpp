#include <cstddef>
#include <cstdint>
#include <vector>

void digit_sum_histogram(const std::vector<uint64_t>& v, std::vector<long>& hist) {
    for (int b = 0; b < 109; ++b) hist[b] = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        uint64_t x = v[i];
        int s = 0;
        while (x) {
            s += static_cast<int>(x % 10);
            x /= 10;
        }
        hist[s]++;
    }
}
