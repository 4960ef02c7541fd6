// expect: compile_error
// Tries to reduce a std::vector histogram with reduction(+ : ...), which
// OpenMP only allows for arithmetic types (or declared reductions).
#include <algorithm>
#include <cstdint>
#include <vector>

void radix_sort_u32(std::vector<uint32_t>& v) {
  const long n = static_cast<long>(v.size());
  std::vector<uint32_t> buffer(n);
  for (int shift = 0; shift < 32; shift += 8) {
    std::vector<long> hist(256, 0);
#pragma omp parallel for reduction(+ : hist)
    for (long i = 0; i < n; ++i) ++hist[(v[i] >> shift) & 0xFF];
    long sum = 0;
    for (int d = 0; d < 256; ++d) {
      const long here = hist[d];
      hist[d] = sum;
      sum += here;
    }
    for (long i = 0; i < n; ++i) buffer[hist[(v[i] >> shift) & 0xFF]++] = v[i];
    v.swap(buffer);
  }
}
