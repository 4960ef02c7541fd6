#include <cstddef>
#include <vector>

void column_totals(const std::vector<int>& m, std::vector<long>& totals) {
    long acc[16] = {0};
    const long rows = static_cast<long>(m.size() / 16);
    const int* data = m.data();
    #pragma omp parallel for reduction(+:acc[:16]) schedule(static)
    for (long i = 0; i < rows; ++i)
        for (int j = 0; j < 16; ++j) acc[j] += data[i * 16 + j];
    for (int j = 0; j < 16; ++j) totals[j] = acc[j];
}
