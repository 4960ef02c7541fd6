#include <cstddef>
#include <cstdint>
#include <vector>

void equalize(std::vector<int>& image) {
  const std::int64_t n = static_cast<std::int64_t>(image.size());
  std::int64_t hist[256] = {};
  for (const int p : image) ++hist[p];
  std::int64_t cdf = 0, cdf_min = -1;
  int map[256];
  std::int64_t cdfs[256];
  for (int v = 0; v < 256; ++v) {
    cdf += hist[v];
    cdfs[v] = cdf;
    if (cdf_min < 0 && hist[v] > 0) cdf_min = cdf;
  }
  if (n == 0 || cdf_min == n) return;
  for (int v = 0; v < 256; ++v)
    map[v] = cdfs[v] < cdf_min ? 0 : static_cast<int>((cdfs[v] - cdf_min) * 255 / (n - cdf_min));
  for (int& p : image) p = map[p];
}
