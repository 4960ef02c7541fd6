#include <cmath>
#include <cstddef>
#include <vector>

void complex_magnitudes(const std::vector<double>& z, std::vector<double>& mag) {
    const long n = static_cast<long>(mag.size());
    const double* zp = z.data();
    double* mp = mag.data();
    #pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; ++i) {
        double re = zp[2 * i], im = zp[2 * i + 1];
        mp[i] = std::sqrt(re * re + im * im);
    }
}
