#include <cstddef>
#include <vector>
#include <omp.h>

void column_means_interchange(const std::vector<double>& a, std::vector<double>& means) {
    const long n = static_cast<long>(means.size());
    #pragma omp parallel
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const long j0 = n * t / nt, j1 = n * (t + 1) / nt;
        for (long j = j0; j < j1; ++j) means[j] = 0.0;
        for (long i = 0; i < n; ++i) {  // row by row: contiguous reads
            const double* row = a.data() + i * n;
            for (long j = j0; j < j1; ++j) means[j] += row[j];
        }
        for (long j = j0; j < j1; ++j) means[j] /= n;
    }
}
