#include <cstddef>
#include <vector>

long count_in_circle(const std::vector<double>& x, const std::vector<double>& y) {
    const long n = static_cast<long>(x.size());
    long count = 0;
    #pragma omp parallel for reduction(+:count) schedule(static)
    for (long i = 0; i < n; ++i) {
        count += (x[i] * x[i] + y[i] * y[i] <= 1.0) ? 1 : 0;
    }
    return count;
}
