#include <cstddef>
#include <vector>

void row_sums_interchange(const std::vector<double>& a, std::vector<double>& sums) {
    const long n = static_cast<long>(sums.size());
    #pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) {
        const double* row = a.data() + i * n;
        double s = 0.0;
        for (long j = 0; j < n; ++j) s += row[j];  // contiguous, same order as before
        sums[i] = s;
    }
}
