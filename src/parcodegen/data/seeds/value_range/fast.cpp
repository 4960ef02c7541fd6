#include <cstddef>
#include <vector>

double value_range(const std::vector<double>& v) {
    if (v.empty()) return 0.0;
    const long n = static_cast<long>(v.size());
    double lo = v[0], hi = v[0];
    #pragma omp parallel for reduction(min:lo) reduction(max:hi) schedule(static)
    for (long i = 1; i < n; ++i) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    return hi - lo;
}
