#include <cstddef>
#include <vector>

long count_in_circle(const std::vector<double>& x, const std::vector<double>& y) {
    long count = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i] * x[i] + y[i] * y[i] <= 1.0) count++;
    }
    return count;
}
