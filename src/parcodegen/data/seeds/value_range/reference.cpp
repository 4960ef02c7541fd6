#include <cstddef>
#include <vector>

double value_range(const std::vector<double>& v) {
    if (v.empty()) return 0.0;
    double lo = v[0], hi = v[0];
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
    }
    return hi - lo;
}
