#include <cstddef>
#include <vector>

void decade_buckets(const std::vector<int>& age, std::vector<long>& buckets) {
    long h[12] = {0};
    const long n = static_cast<long>(age.size());
    const int* a = age.data();
    #pragma omp parallel for reduction(+:h[:12]) schedule(static)
    for (long i = 0; i < n; ++i) h[a[i] / 10]++;
    for (int b = 0; b < 12; ++b) buckets[b] = h[b];
}
