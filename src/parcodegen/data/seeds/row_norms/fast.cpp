#include <cmath>
#include <cstddef>
#include <vector>

void row_norms(const std::vector<double>& a, std::vector<double>& norms) {
    const long rows = static_cast<long>(norms.size());
    #pragma omp parallel for schedule(static)
    for (long i = 0; i < rows; ++i) {
        const double* row = a.data() + i * 64;
        double s = 0.0;
        for (int j = 0; j < 64; ++j) s += row[j] * row[j];
        norms[i] = std::sqrt(s);
    }
}
