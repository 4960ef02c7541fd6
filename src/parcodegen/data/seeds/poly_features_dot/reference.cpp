#include <cstddef>
#include <vector>

void poly_features_dot(const std::vector<double>& x, std::vector<double>& out) {
    std::vector<double> work(16, 0.0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        work[0] = 1.0;
        for (int k = 1; k < 16; ++k) work[k] = work[k - 1] * x[i];
        double s = 0.0;
        for (int k = 0; k < 16; ++k) s += work[k] / (k + 1.0);
        out[i] = s;
    }
}
