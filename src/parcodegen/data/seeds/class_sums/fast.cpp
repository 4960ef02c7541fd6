#include <cstddef>
#include <vector>

void class_sums(const std::vector<int>& label, const std::vector<double>& value,
                std::vector<double>& sums) {
    for (int c = 0; c < 8; ++c) sums[c] = 0.0;
    const long n = static_cast<long>(label.size());
    #pragma omp parallel
    {
        double local[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // on this thread's stack
        #pragma omp for schedule(static) nowait
        for (long i = 0; i < n; ++i) local[label[i]] += value[i];
        #pragma omp critical
        for (int c = 0; c < 8; ++c) sums[c] += local[c];
    }
}
