#include <cmath>
#include <cstddef>
#include <vector>

void complex_magnitudes(const std::vector<double>& z, std::vector<double>& mag) {
    for (std::size_t i = 0; i < mag.size(); ++i) {
        double re = z[2 * i], im = z[2 * i + 1];
        mag[i] = std::sqrt(re * re + im * im);
    }
}
