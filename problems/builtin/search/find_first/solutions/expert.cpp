#include <algorithm>
#include <vector>

// Blocks are handed out in increasing order; a thread skips any block that
// starts after the best match found so far, so the search still stops early
// while always returning the first match.
long find_first(const std::vector<long>& v, long key) {
  const long n = static_cast<long>(v.size());
  const long* data = v.data();
  const long block = 1 << 14;
  const long nblocks = (n + block - 1) / block;
  long best = n;
#pragma omp parallel for schedule(dynamic, 1)
  for (long b = 0; b < nblocks; ++b) {
    long current;
#pragma omp atomic read
    current = best;
    const long lo = b * block;
    if (lo >= current) continue;
    const long hi = std::min(n, lo + block);
    for (long i = lo; i < hi; ++i) {
      if (data[i] == key) {
#pragma omp critical(find_first_best)
        {
          long seen;
#pragma omp atomic read
          seen = best;
          if (i < seen) {
#pragma omp atomic write
            best = i;
          }
        }
        break;
      }
    }
  }
  return best < n ? best : -1;
}
