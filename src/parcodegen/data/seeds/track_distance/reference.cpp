#include <cmath>
#include <cstddef>
#include <vector>

void track_distance(const std::vector<double>& x, const std::vector<double>& y,
                    std::vector<double>& dist) {
    double d = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (i > 0) d += std::hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
        dist[i] = d;
    }
}
