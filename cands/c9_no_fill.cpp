// problem: histogram/byte_histogram
// class 1/6: assumes the output bins arrive zeroed (the reference fills them with 0)
#include <cstdint>
#include <vector>
#include <omp.h>
void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  const long n = (long)data.size();
  const long nb = (long)bins.size();
#pragma omp parallel
  {
    std::vector<std::int64_t> local(nb, 0);
#pragma omp for schedule(static) nowait
    for (long i = 0; i < n; ++i) ++local[data[i]];
#pragma omp critical
    for (long b = 0; b < nb; ++b) bins[b] += local[b];
  }
}
