// Forgets the last element: an off-by-one.
#include <cmath>
#include <vector>

double gaussian_energy(const std::vector<double>& x) {
    double sum = 0.0;
    const long n = static_cast<long>(x.size());
#pragma omp parallel for reduction(+ : sum)
    for (long i = 0; i < n - 1; ++i) {
        sum += std::exp(-0.5 * x[i] * x[i]);
    }
    return sum;
}
