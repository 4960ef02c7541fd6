// expect: crash
// Environment: the chunk size parsed out of OMP_SCHEDULE assuming "kind,chunk" when the
// variable is set; OMP_SCHEDULE=guided (no chunk) dereferences a null strchr.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>
void byte_histogram(const std::vector<int>& data, std::vector<std::int64_t>& bins) {
  long chunk = 4096;
  if (const char* s = std::getenv("OMP_SCHEDULE")) chunk = std::atol(std::strchr(s, ',') + 1);
  std::fill(bins.begin(), bins.end(), 0);
  const long n = (long)data.size();
  const long nb = (long)bins.size();
  const long nchunks = (n + chunk - 1) / chunk;
#pragma omp parallel
  {
    std::vector<std::int64_t> local(nb, 0);
#pragma omp for schedule(dynamic)
    for (long c = 0; c < nchunks; ++c)
      for (long i = c * chunk; i < std::min(n, (c + 1) * chunk); ++i) ++local[data[i]];
#pragma omp critical
    for (long b = 0; b < nb; ++b) bins[b] += local[b];
  }
}
