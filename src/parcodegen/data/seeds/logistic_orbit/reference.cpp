#include <cstddef>
#include <vector>

void logistic_orbit(double r, std::vector<double>& orbit) {
    double x = 0.25;
    for (std::size_t i = 0; i < orbit.size(); ++i) {
        x = r * x * (1.0 - x);
        orbit[i] = x;
    }
}
