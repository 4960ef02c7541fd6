#include <cstddef>
#include <vector>

void harmonic_partials(const std::vector<int>& terms, std::vector<double>& h) {
    const long n = static_cast<long>(terms.size());
    #pragma omp parallel for schedule(dynamic, 16)
    for (long i = 0; i < n; ++i) {
        double s = 0.0;  // same summation order as the serial loop: exact match
        for (int k = 1; k <= terms[i]; ++k) s += 1.0 / k;
        h[i] = s;
    }
}
