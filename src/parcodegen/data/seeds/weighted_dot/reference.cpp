#include <cstddef>
#include <vector>

double weighted_dot(const std::vector<double>& w, const std::vector<double>& x,
                    const std::vector<double>& y) {
    double s = 0.0;
    for (std::size_t i = 0; i < w.size(); ++i) s += w[i] * x[i] * y[i];
    return s;
}
