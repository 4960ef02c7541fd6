#include <cstddef>
#include <vector>

void parity_stats(const std::vector<int>& v, long& evens, long& odd_sum) {
    evens = 0;
    odd_sum = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] % 2 == 0) evens++;
        else odd_sum += v[i];
    }
}
