#include <cstddef>
#include <vector>

double weighted_dot(const std::vector<double>& w, const std::vector<double>& x,
                    const std::vector<double>& y) {
    const long n = static_cast<long>(w.size());
    double s = 0.0;
    #pragma omp parallel for simd reduction(+:s) schedule(static)
    for (long i = 0; i < n; ++i) s += w[i] * x[i] * y[i];
    return s;
}
