// expect: race|crash|wrong_output
// A twiddle table cached between calls (a static, rebuilt when the size changes), as an
// FFT library keeps its plans. Calls one after another are right; two calls made at once
// (from a user's threads) both rebuild the same table while the other reads it.
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

void fft(std::vector<double>& re, std::vector<double>& im, int log_n) {
  static std::vector<double> wr, wi;
  static std::size_t cached = 0;
  const std::size_t n = std::size_t(1) << log_n;
  if (cached != n) {
    wr.assign(n / 2, 0.0);
    wi.assign(n / 2, 0.0);
    for (std::size_t k = 0; k < n / 2; ++k) {
      const double angle = -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n);
      wr[k] = std::cos(angle);
      wi[k] = std::sin(angle);
    }
    cached = n;
  }
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  double* r = re.data();
  double* m = im.data();
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len / 2, step = n / len;
    const long pairs = static_cast<long>(n / 2);
#pragma omp parallel for schedule(static)
    for (long p = 0; p < pairs; ++p) {
      const std::size_t group = static_cast<std::size_t>(p) / half, j = static_cast<std::size_t>(p) % half;
      const std::size_t a = group * len + j, b = a + half;
      const double cr = wr[j * step], ci = wi[j * step];
      const double tr = r[b] * cr - m[b] * ci;
      const double ti = r[b] * ci + m[b] * cr;
      r[b] = r[a] - tr;
      m[b] = m[a] - ti;
      r[a] += tr;
      m[a] += ti;
    }
  }
}
