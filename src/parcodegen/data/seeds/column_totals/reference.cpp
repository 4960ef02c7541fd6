#include <cstddef>
#include <vector>

void column_totals(const std::vector<int>& m, std::vector<long>& totals) {
    for (int j = 0; j < 16; ++j) totals[j] = 0;
    const std::size_t rows = m.size() / 16;
    for (std::size_t i = 0; i < rows; ++i)
        for (int j = 0; j < 16; ++j) totals[j] += m[i * 16 + j];
}
