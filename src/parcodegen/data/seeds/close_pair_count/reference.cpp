#include <cmath>
#include <cstddef>
#include <vector>

long close_pair_count(const std::vector<double>& x) {
    long count = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (std::fabs(x[i] - x[j]) < 0.001) ++count;
    return count;
}
