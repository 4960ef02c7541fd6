// Never terminates for non-empty input.
#include <cmath>
#include <vector>

double gaussian_energy(const std::vector<double>& x) {
    double sum = 0.0;
    for (std::size_t i = 0; i < x.size(); i += 0) sum += std::exp(-0.5 * x[i] * x[i]);
    return sum;
}
