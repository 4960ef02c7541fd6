#include <cstddef>
#include <cstdint>
#include <vector>

// Two data-parallel passes around a tiny serial step: the histogram is an array reduction
// (private counts per thread), the 256-entry cdf and lookup table are built by one
// thread, then every pixel is remapped in parallel.
void equalize(std::vector<int>& image) {
  const std::size_t size = image.size();
  const std::int64_t n = static_cast<std::int64_t>(size);
  int* img = image.data();
  std::int64_t hist[256] = {};
  int map[256];
  bool identity = false;
#pragma omp parallel
  {
#pragma omp for schedule(static) reduction(+ : hist[:256])
    for (std::size_t i = 0; i < size; ++i) ++hist[img[i]];
#pragma omp single
    {
      std::int64_t cdf = 0, cdf_min = -1;
      std::int64_t cdfs[256];
      for (int v = 0; v < 256; ++v) {
        cdf += hist[v];
        cdfs[v] = cdf;
        if (cdf_min < 0 && hist[v] > 0) cdf_min = cdf;
      }
      identity = n == 0 || cdf_min == n;
      if (!identity)
        for (int v = 0; v < 256; ++v)
          map[v] = cdfs[v] < cdf_min ? 0 : static_cast<int>((cdfs[v] - cdf_min) * 255 / (n - cdf_min));
    }
    if (!identity) {
#pragma omp for schedule(static)
      for (std::size_t i = 0; i < size; ++i) img[i] = map[img[i]];
    }
  }
}
