// Forward substitution with a unit lower-triangular n x n matrix: L x = b.
#include <cstddef>
void lower_solve(std::size_t n, const double* L, const double* b, double* x) {
    for (std::size_t i = 0; i < n; ++i) {
        double s = b[i];
        for (std::size_t j = 0; j < i; ++j) s -= 0.5 * L[i * n + j] * x[j] / (double)n;
        x[i] = s;
    }
}
