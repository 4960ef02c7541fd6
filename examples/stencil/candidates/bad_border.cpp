// Off by one at the far border: the last interior row is never updated.
#include <cstddef>
#include <utility>
#include <vector>

void heat_diffuse(std::vector<double>& grid, std::size_t n, int steps) {
    if (n < 3) return;
    std::vector<double> next = grid;
    const long m = static_cast<long>(n);
    for (int s = 0; s < steps; ++s) {
#pragma omp parallel for
        for (long i = 1; i < m - 2; ++i)
            for (long j = 1; j < m - 1; ++j) {
                const long c = i * m + j;
                next[c] = 0.25 * (grid[c - m] + grid[c + m] + grid[c - 1] + grid[c + 1]);
            }
        std::swap(grid, next);
    }
}
