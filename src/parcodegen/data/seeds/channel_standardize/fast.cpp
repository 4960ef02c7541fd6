#include <cmath>
#include <cstddef>
#include <vector>

void channel_standardize(const std::vector<double>& x, const std::vector<double>& mean,
                         const std::vector<double>& inv_std, std::vector<double>& y) {
    const long n = static_cast<long>(x.size() / 4);
    #pragma omp parallel for collapse(2) schedule(static)
    for (long c = 0; c < 4; ++c) {
        for (long j = 0; j < n; ++j) {
            y[c * n + j] = std::tanh((x[c * n + j] - mean[c]) * inv_std[c]);
        }
    }
}
