#include <cstddef>
#include <vector>

// Deliberately serial: x[i] depends on x[i-1] through a nonlinear map; threads cannot
// split this loop. Writing through a raw pointer is the only change.
void logistic_orbit(double r, std::vector<double>& orbit) {
    double* out = orbit.data();
    const std::size_t n = orbit.size();
    double x = 0.25;
    for (std::size_t i = 0; i < n; ++i) {
        x = r * x * (1.0 - x);
        out[i] = x;
    }
}
