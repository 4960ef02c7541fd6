// A data race on a shared counter that is not part of the result: outputs stay right,
// only the race detector can see it.
#include <cmath>
#include <vector>

static long visited = 0;

double gaussian_energy(const std::vector<double>& x) {
    double sum = 0.0;
    const long n = static_cast<long>(x.size());
#pragma omp parallel for reduction(+ : sum)
    for (long i = 0; i < n; ++i) {
        sum += std::exp(-0.5 * x[i] * x[i]);
        visited++;
    }
    return sum + 0.0 * visited;
}
