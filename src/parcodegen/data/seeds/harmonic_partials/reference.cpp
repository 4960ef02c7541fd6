#include <cstddef>
#include <vector>

void harmonic_partials(const std::vector<int>& terms, std::vector<double>& h) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
        double s = 0.0;
        for (int k = 1; k <= terms[i]; ++k) s += 1.0 / k;
        h[i] = s;
    }
}
