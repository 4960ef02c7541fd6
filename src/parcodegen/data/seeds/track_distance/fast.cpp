#include <cmath>
#include <cstddef>
#include <vector>
#include <omp.h>

void track_distance(const std::vector<double>& x, const std::vector<double>& y,
                    std::vector<double>& dist) {
    const long n = static_cast<long>(x.size());
    std::vector<double> total(omp_get_max_threads() + 1, 0.0);
    #pragma omp parallel
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const long lo = n * t / nt, hi = n * (t + 1) / nt;
        double d = 0.0;
        for (long i = lo; i < hi; ++i) {  // pass 1: local cumulative distance
            if (i > 0) d += std::hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
            dist[i] = d;
        }
        total[t + 1] = d;
        #pragma omp barrier
        #pragma omp single
        for (int k = 1; k <= nt; ++k) total[k] += total[k - 1];
        const double offset = total[t];  // pass 2: add the distance before my block
        if (offset != 0.0)
            for (long i = lo; i < hi; ++i) dist[i] += offset;
    }
}
