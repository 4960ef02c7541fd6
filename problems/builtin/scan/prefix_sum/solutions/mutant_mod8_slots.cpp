// expect: wrong_output|race
// Environment: block sums in a fixed 8-slot array indexed by thread id modulo 8. Right up
// to 8 threads (difftest's largest team was 5); from 9 threads two blocks share a slot and
// the offsets are wrong.
#include <vector>
#include <omp.h>
void prefix_sum(const std::vector<long>& in, std::vector<long>& out) {
  const long n = (long)in.size();
  long sums[9] = {0};
#pragma omp parallel
  {
    const int nt = omp_get_num_threads(), t = omp_get_thread_num();
    const long lo = n * t / nt, hi = n * (t + 1) / nt;
    long s = 0;
    for (long i = lo; i < hi; ++i) { s += in[i]; out[i] = s; }
    sums[t % 8 + 1] = s;
#pragma omp barrier
    long off = 0;
    for (int u = 0; u < t; ++u) off += sums[u % 8 + 1];
    for (long i = lo; i < hi; ++i) out[i] += off;
  }
}
