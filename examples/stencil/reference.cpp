#include <cstddef>
#include <utility>
#include <vector>

void heat_diffuse(std::vector<double>& grid, std::size_t n, int steps) {
    if (n < 3) return;
    std::vector<double> next = grid;
    for (int s = 0; s < steps; ++s) {
        for (std::size_t i = 1; i + 1 < n; ++i) {
            for (std::size_t j = 1; j + 1 < n; ++j) {
                const std::size_t c = i * n + j;
                next[c] = 0.25 * (grid[c - n] + grid[c + n] + grid[c - 1] + grid[c + 1]);
            }
        }
        std::swap(grid, next);
    }
}
