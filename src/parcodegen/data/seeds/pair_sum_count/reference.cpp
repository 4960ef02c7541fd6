#include <cstddef>
#include <vector>

long pair_sum_count(const std::vector<int>& v, int target) {
    long count = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = i + 1; j < v.size(); ++j)
            if (v[i] + v[j] == target) ++count;
    return count;
}
