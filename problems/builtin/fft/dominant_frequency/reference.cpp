#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

std::int64_t dominant_frequency(const std::vector<double>& signal, std::vector<double>& power) {
  const std::size_t n = signal.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
  // Twiddle table: exp(-2*pi*i*m/n) for m = j*k mod n.
  std::vector<double> cs(n), sn(n);
  for (std::size_t m = 0; m < n; ++m) {
    cs[m] = std::cos(w * static_cast<double>(m));
    sn[m] = std::sin(w * static_cast<double>(m));
  }
  for (std::size_t k = 0; k <= n / 2 && k < n; ++k) {
    double sr = 0.0, si = 0.0;
    std::size_t m = 0;
    for (std::size_t j = 0; j < n; ++j) {
      sr += signal[j] * cs[m];
      si += signal[j] * sn[m];
      m += k;
      if (m >= n) m -= n;
    }
    power[k] = sr * sr + si * si;
  }
  std::int64_t best = 0;
  for (std::size_t k = 1; k <= n / 2; ++k)
    if (best == 0 || power[k] > power[best]) best = static_cast<std::int64_t>(k);
  return best;
}
