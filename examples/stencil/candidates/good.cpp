#include <cstddef>
#include <utility>
#include <vector>

void heat_diffuse(std::vector<double>& grid, std::size_t n, int steps) {
    if (n < 3) return;
    std::vector<double> next = grid;
    const long m = static_cast<long>(n);
    for (int s = 0; s < steps; ++s) {
        const double* in = grid.data();
        double* out = next.data();
#pragma omp parallel for schedule(static)
        for (long i = 1; i < m - 1; ++i) {
            for (long j = 1; j < m - 1; ++j) {
                const long c = i * m + j;
                out[c] = 0.25 * (in[c - m] + in[c + m] + in[c - 1] + in[c + 1]);
            }
        }
        std::swap(grid, next);
    }
}
