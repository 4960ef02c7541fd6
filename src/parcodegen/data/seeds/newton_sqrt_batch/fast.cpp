#include <cstddef>
#include <vector>

void newton_sqrt_batch(const std::vector<double>& v, std::vector<double>& root) {
    double g, prev;
    long i;
    const long n = static_cast<long>(v.size());
    #pragma omp parallel for private(g, prev) schedule(static)
    for (i = 0; i < n; ++i) {
        g = v[i] > 1.0 ? v[i] : 1.0;
        for (int it = 0; it < 20; ++it) {
            prev = g;
            g = 0.5 * (prev + v[i] / prev);
        }
        root[i] = g;
    }
}
