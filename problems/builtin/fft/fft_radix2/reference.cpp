#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

void fft(std::vector<double>& re, std::vector<double>& im, int log_n) {
  const std::size_t n = std::size_t(1) << log_n;
  // Bit-reversal permutation.
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  // Twiddle table for the largest stage; stage `len` uses every (n / len)-th entry.
  std::vector<double> wr(n / 2), wi(n / 2);
  for (std::size_t k = 0; k < n / 2; ++k) {
    const double angle = -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n);
    wr[k] = std::cos(angle);
    wi[k] = std::sin(angle);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len / 2, step = n / len;
    for (std::size_t start = 0; start < n; start += len) {
      for (std::size_t j = 0; j < half; ++j) {
        const double cr = wr[j * step], ci = wi[j * step];
        const std::size_t a = start + j, b = a + half;
        const double tr = re[b] * cr - im[b] * ci;
        const double ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}
