#include <cmath>
#include <cstddef>
#include <vector>

double l1_distance(const std::vector<double>& a, const std::vector<double>& b) {
    const long n = static_cast<long>(a.size());
    double s = 0.0;
    #pragma omp parallel for simd reduction(+:s) schedule(static)
    for (long i = 0; i < n; ++i) s += std::fabs(a[i] - b[i]);
    return s;
}
