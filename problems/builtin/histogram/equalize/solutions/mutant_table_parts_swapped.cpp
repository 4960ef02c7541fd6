// expect: race
// The histogram is an array reduction (race-free). Every thread then computes the
// 256-entry lookup table itself from the shared histogram and writes a share of it to the
// shared table: entries [p * 256 / parts, (p + 1) * 256 / parts) with p = t % parts. The
// split was meant for large images only, but the ternary's arms are swapped: small images
// split the table over the whole team (disjoint shares), while images above 16384 pixels
// per thread (computed at run time) get one part, so every thread writes all 256 entries,
// the same values, with nothing ordering the writes. The outputs are right; the same
// instructions run at every size, only the indices each thread writes change.
#include <cstddef>
#include <cstdint>
#include <omp.h>
#include <vector>

void equalize(std::vector<int>& image) {
  const std::size_t size = image.size();
  const std::int64_t n = static_cast<std::int64_t>(size);
  int* img = image.data();
  std::int64_t hist[256] = {};
  int map[256];
  const std::int64_t big = std::int64_t{16384} * omp_get_max_threads();
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
#pragma omp for schedule(static) reduction(+ : hist[:256])
    for (std::size_t i = 0; i < size; ++i) ++hist[img[i]];
    std::int64_t cdf = 0, cdf_min = -1;
    std::int64_t cdfs[256];
    for (int v = 0; v < 256; ++v) {
      cdf += hist[v];
      cdfs[v] = cdf;
      if (cdf_min < 0 && hist[v] > 0) cdf_min = cdf;
    }
    const bool identity = n == 0 || cdf_min == n;
    if (!identity) {
      const int parts = n > big ? 1 : nt;
      const int p = t % parts;
      for (int v = p * 256 / parts; v < (p + 1) * 256 / parts; ++v)
        map[v] = cdfs[v] < cdf_min ? 0 : static_cast<int>((cdfs[v] - cdf_min) * 255 / (n - cdf_min));
#pragma omp barrier
#pragma omp for schedule(static)
      for (std::size_t i = 0; i < size; ++i) img[i] = map[img[i]];
    }
  }
}
