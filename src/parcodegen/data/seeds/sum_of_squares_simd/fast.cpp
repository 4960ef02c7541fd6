#include <cstddef>
#include <vector>

double sum_of_squares_simd(const std::vector<float>& x) {
    const long n = static_cast<long>(x.size());
    const float* p = x.data();
    double s = 0.0;
    #pragma omp parallel for simd reduction(+:s) schedule(static)
    for (long i = 0; i < n; ++i) s += static_cast<double>(p[i]) * p[i];
    return s;
}
