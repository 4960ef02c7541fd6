#include <omp.h>
#include <vector>

// Block scan for the segmented sum. Each block scans locally starting from 0 and
// records the sum of its trailing open segment and whether it holds a flag. The
// carry into block t is the running value at the end of block t-1, which is
// tail[t-1] if that block has a flag, else carry[t-1] + tail[t-1]. The fix-up
// adds the carry only until the block's first flag.
void segmented_sum(const std::vector<long>& v, const std::vector<int>& flags,
                   std::vector<long>& out) {
  const long n = static_cast<long>(v.size());
  if (n == 0) return;
  const long* pv = v.data();
  const int* pf = flags.data();
  long* po = out.data();
  const int maxt = omp_get_max_threads();
  std::vector<long> tail(maxt, 0), carry(maxt, 0);
  std::vector<char> has_flag(maxt, 0);
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const long lo = n * t / nt;
    const long hi = n * (t + 1) / nt;
    long running = 0;
    char flagged = 0;
    for (long i = lo; i < hi; ++i) {
      if (pf[i]) {
        running = pv[i];
        flagged = 1;
      } else {
        running += pv[i];
      }
      po[i] = running;
    }
    tail[t] = running;
    has_flag[t] = flagged;
#pragma omp barrier
#pragma omp single
    for (int k = 1; k < nt; ++k) carry[k] = has_flag[k - 1] ? tail[k - 1] : carry[k - 1] + tail[k - 1];
    const long c = carry[t];
    if (c != 0) {
      for (long i = lo; i < hi && !pf[i]; ++i) po[i] += c;
    }
  }
}
