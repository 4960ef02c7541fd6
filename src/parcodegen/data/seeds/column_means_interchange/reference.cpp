#include <cstddef>
#include <vector>

void column_means_interchange(const std::vector<double>& a, std::vector<double>& means) {
    const std::size_t n = means.size();
    for (std::size_t j = 0; j < n; ++j) {
        double s = 0.0;
        for (std::size_t i = 0; i < n; ++i) s += a[i * n + j];
        means[j] = s / n;
    }
}
