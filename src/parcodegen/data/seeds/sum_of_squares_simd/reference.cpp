#include <cstddef>
#include <vector>

double sum_of_squares_simd(const std::vector<float>& x) {
    double s = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) s += static_cast<double>(x[i]) * x[i];
    return s;
}
