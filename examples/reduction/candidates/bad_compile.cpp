#include <vector>

double gaussian_energy(const std::vector<double>& x) {
    double sum = 0.0
#pragma omp parallel for reduction(+ : sum)
    for (long i = 0; i < (long)x.size(); ++i) sum += std::exp(-0.5 * x[i] * x[i]);
    return sum;
}
