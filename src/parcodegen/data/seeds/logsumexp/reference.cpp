#include <cmath>
#include <cstddef>
#include <vector>

double logsumexp(const std::vector<double>& x) {
    if (x.empty()) return 0.0;
    double m = x[0];
    for (std::size_t i = 1; i < x.size(); ++i)
        if (x[i] > m) m = x[i];
    double s = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) s += std::exp(x[i] - m);
    return m + std::log(s);
}
