#include <cmath>
#include <cstddef>
#include <vector>

long close_pair_count(const std::vector<double>& x) {
    const long n = static_cast<long>(x.size());
    long count = 0;
    #pragma omp parallel for schedule(dynamic, 64) reduction(+:count)
    for (long i = 0; i < n; ++i) {
        long local = 0;
        for (long j = 0; j < i; ++j) local += std::fabs(x[i] - x[j]) < 0.001;
        count += local;
    }
    return count;
}
