// expect: race
// Correct block scan, but every thread (not one) resets carry[0] to zero at the
// start of the region: a write-write race on a value that is always 0.
#include <omp.h>
#include <vector>

void segmented_sum(const std::vector<long>& v, const std::vector<int>& flags,
                   std::vector<long>& out) {
  const long n = static_cast<long>(v.size());
  const int maxt = omp_get_max_threads();
  std::vector<long> tail(maxt, 0), carry(maxt, 0);
  std::vector<char> has_flag(maxt, 0);
#pragma omp parallel
  {
    carry[0] = 0;  // the first block has nothing before it
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    long running = 0;
    char flagged = 0;
    for (long i = lo; i < hi; ++i) {
      running = flags[i] ? v[i] : running + v[i];
      flagged |= flags[i] != 0;
      out[i] = running;
    }
    tail[t] = running;
    has_flag[t] = flagged;
#pragma omp barrier
#pragma omp single
    for (int k = 1; k < nt; ++k) carry[k] = has_flag[k - 1] ? tail[k - 1] : carry[k - 1] + tail[k - 1];
    const long c = carry[t];
    for (long i = lo; i < hi && !flags[i]; ++i) out[i] += c;
  }
}
