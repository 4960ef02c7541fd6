#include <cmath>
#include <vector>

double gaussian_energy(const std::vector<double>& x) {
    double sum = 0.0;
    const long n = static_cast<long>(x.size());
#pragma omp parallel for reduction(+ : sum) schedule(static)
    for (long i = 0; i < n; ++i) {
        sum += std::exp(-0.5 * x[i] * x[i]);
    }
    return sum;
}
