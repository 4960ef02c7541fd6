#include <cstddef>
#include <vector>

void poly_features_dot(const std::vector<double>& x, std::vector<double>& out) {
    std::vector<double> work(16, 0.0);
    const long n = static_cast<long>(x.size());
    // firstprivate: each thread gets its own copy of the sized buffer.
    #pragma omp parallel for firstprivate(work) schedule(static)
    for (long i = 0; i < n; ++i) {
        work[0] = 1.0;
        for (int k = 1; k < 16; ++k) work[k] = work[k - 1] * x[i];
        double s = 0.0;
        for (int k = 0; k < 16; ++k) s += work[k] / (k + 1.0);
        out[i] = s;
    }
}
