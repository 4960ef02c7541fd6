// expect: wrong_output
#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

// Each thread equalizes its own block of pixels with a histogram of that block only
// (the merge was forgotten): right with one thread, a different mapping per block with
// more.
void equalize(std::vector<int>& image) {
#pragma omp parallel
  {
    const std::size_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const std::size_t lo = image.size() * t / nt, hi = image.size() * (t + 1) / nt;
    const std::int64_t n = static_cast<std::int64_t>(hi - lo);
    std::int64_t hist[256] = {};
    for (std::size_t i = lo; i < hi; ++i) ++hist[image[i]];
    std::int64_t cdf = 0, cdf_min = -1, cdfs[256];
    for (int v = 0; v < 256; ++v) {
      cdf += hist[v];
      cdfs[v] = cdf;
      if (cdf_min < 0 && hist[v] > 0) cdf_min = cdf;
    }
    if (n > 0 && cdf_min != n) {
      int map[256];
      for (int v = 0; v < 256; ++v)
        map[v] = cdfs[v] < cdf_min ? 0 : static_cast<int>((cdfs[v] - cdf_min) * 255 / (n - cdf_min));
      for (std::size_t i = lo; i < hi; ++i) image[i] = map[image[i]];
    }
  }
}
