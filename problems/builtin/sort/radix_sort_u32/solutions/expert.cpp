#include <algorithm>
#include <cstdint>
#include <omp.h>
#include <vector>

// Parallel LSD radix sort, four passes of 8 bits. Per pass: every thread counts
// the digits of its own block, the counts are scanned in (digit, thread) order
// so each thread gets its own write position per digit, then every thread
// scatters its block stably. Passes whose digit is the same for every key are
// skipped.
void radix_sort_u32(std::vector<uint32_t>& v) {
  const long n = static_cast<long>(v.size());
  if (n < 2) return;
  if (n < 4096) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<uint32_t> buffer(n);
  uint32_t* src = v.data();
  uint32_t* dst = buffer.data();
  const int maxt = omp_get_max_threads();
  std::vector<long> counts(static_cast<std::size_t>(maxt) * 256);
  bool in_buffer = false;
  for (int shift = 0; shift < 32; shift += 8) {
    bool skip = false;
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
        int digits_used = 0;
        for (int d = 0; d < 256; ++d) {
          long digit_total = 0;
          for (int k = 0; k < nt; ++k) {
            long& c = counts[static_cast<std::size_t>(k) * 256 + d];
            const long here = c;
            c = sum;
            sum += here;
            digit_total += here;
          }
          digits_used += digit_total > 0;
        }
        skip = digits_used == 1;
      }
      if (!skip) {
        for (long i = lo; i < hi; ++i) {
          const uint32_t key = src[i];
          dst[mine[(key >> shift) & 0xFF]++] = key;
        }
      }
    }
    if (!skip) {
      std::swap(src, dst);
      in_buffer = !in_buffer;
    }
  }
  if (in_buffer) {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) v[i] = buffer[i];
  }
}
