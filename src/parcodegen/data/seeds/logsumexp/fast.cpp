#include <cmath>
#include <cstddef>
#include <vector>

double logsumexp(const std::vector<double>& x) {
    if (x.empty()) return 0.0;
    const long n = static_cast<long>(x.size());
    double m = x[0];
    #pragma omp parallel for reduction(max:m) schedule(static)
    for (long i = 1; i < n; ++i) m = x[i] > m ? x[i] : m;
    double s = 0.0;
    #pragma omp parallel for reduction(+:s) schedule(static)
    for (long i = 0; i < n; ++i) s += std::exp(x[i] - m);
    return m + std::log(s);
}
