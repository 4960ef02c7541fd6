// expect: wrong_output
// Parallel LSD radix sort that scans the per-thread digit counts thread by
// thread instead of digit by digit: each thread's keys end up in their own
// region, sorted only within it.
#include <algorithm>
#include <cstdint>
#include <omp.h>
#include <vector>

void radix_sort_u32(std::vector<uint32_t>& v) {
  const long n = static_cast<long>(v.size());
  std::vector<uint32_t> buffer(n);
  uint32_t* src = v.data();
  uint32_t* dst = buffer.data();
  const int maxt = omp_get_max_threads();
  std::vector<long> counts(static_cast<std::size_t>(maxt) * 256);
  for (int shift = 0; shift < 32; shift += 8) {
#pragma omp parallel
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      const long lo = n * t / nt, hi = n * (t + 1) / nt;
      long* mine = &counts[static_cast<std::size_t>(t) * 256];
      std::fill(mine, mine + 256, 0L);
      for (long i = lo; i < hi; ++i) ++mine[(src[i] >> shift) & 0xFF];
#pragma omp barrier
#pragma omp single
      {
        long sum = 0;
        for (int k = 0; k < nt; ++k) {
          for (int d = 0; d < 256; ++d) {
            long& c = counts[static_cast<std::size_t>(k) * 256 + d];
            const long here = c;
            c = sum;
            sum += here;
          }
        }
      }
      for (long i = lo; i < hi; ++i) {
        const uint32_t key = src[i];
        dst[mine[(key >> shift) & 0xFF]++] = key;
      }
    }
    std::swap(src, dst);
  }
  // four passes: the result is back in v
}
