#include <cstddef>
#include <vector>

void row_sums_interchange(const std::vector<double>& a, std::vector<double>& sums) {
    const std::size_t n = sums.size();
    for (std::size_t i = 0; i < n; ++i) sums[i] = 0.0;
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t i = 0; i < n; ++i) sums[i] += a[i * n + j];
}
