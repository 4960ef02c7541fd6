#include <cmath>
#include <cstddef>
#include <vector>

void row_norms(const std::vector<double>& a, std::vector<double>& norms) {
    const std::size_t rows = norms.size();
    for (std::size_t i = 0; i < rows; ++i) {
        double s = 0.0;
        for (std::size_t j = 0; j < 64; ++j) s += a[i * 64 + j] * a[i * 64 + j];
        norms[i] = std::sqrt(s);
    }
}
