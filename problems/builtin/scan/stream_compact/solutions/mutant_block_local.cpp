// expect: wrong_output
// Counts per block but scatters every block from position 0 (forgets the scan
// of the counts): the blocks overwrite each other.
#include <omp.h>
#include <vector>

long stream_compact(const std::vector<double>& in, std::vector<double>& out) {
  const long n = static_cast<long>(in.size());
  long kept = 0;
  for (long i = 0; i < n; ++i) kept += in[i] > 0.0;
  for (long i = kept; i < n; ++i) out[i] = 0.0;
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    std::vector<double> mine;
    for (long i = lo; i < hi; ++i) {
      if (in[i] > 0.0) mine.push_back(in[i]);
    }
#pragma omp critical
    for (std::size_t k = 0; k < mine.size(); ++k) out[k] = mine[k];
  }
  return kept;
}
