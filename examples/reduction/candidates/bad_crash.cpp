// Reads far out of bounds.
#include <cmath>
#include <vector>

double gaussian_energy(const std::vector<double>& x) {
    double sum = 0.0;
    const double* p = x.data();
    for (std::size_t i = 0; i < x.size(); ++i) sum += std::exp(-0.5 * p[i * 1000003] * p[i]);
    return sum;
}
