#include <cstddef>
#include <vector>
#include <omp.h>

void run_length_labels(const std::vector<int>& v, std::vector<long>& label) {
    const long n = static_cast<long>(v.size());
    std::vector<long> start(omp_get_max_threads() + 1, 0);
    #pragma omp parallel
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const long lo = n * t / nt, hi = n * (t + 1) / nt;
        long c = 0;
        for (long i = lo; i < hi; ++i) c += (i > 0 && v[i] != v[i - 1]);
        start[t + 1] = c;
        #pragma omp barrier
        #pragma omp single
        for (int k = 1; k <= nt; ++k) start[k] += start[k - 1];
        long run = start[t];
        for (long i = lo; i < hi; ++i) {
            run += (i > 0 && v[i] != v[i - 1]);
            label[i] = run;
        }
    }
}
