#include <cmath>
#include <cstddef>
#include <vector>

// The twiddles exp(-2*pi*i*m/n) take only n distinct values (m = j*k mod n): tabulate
// them once, then walk m incrementally.
void dft(const std::vector<double>& re, const std::vector<double>& im, std::vector<double>& out_re,
         std::vector<double>& out_im) {
  const std::size_t n = re.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
  std::vector<double> cs(n), sn(n);
  for (std::size_t m = 0; m < n; ++m) {
    cs[m] = std::cos(w * static_cast<double>(m));
    sn[m] = std::sin(w * static_cast<double>(m));
  }
  for (std::size_t k = 0; k < n; ++k) {
    double sr = 0.0, si = 0.0;
    std::size_t m = 0;  // (j * k) mod n
    for (std::size_t j = 0; j < n; ++j) {
      sr += re[j] * cs[m] - im[j] * sn[m];
      si += re[j] * sn[m] + im[j] * cs[m];
      m += k;
      if (m >= n) m -= n;
    }
    out_re[k] = sr;
    out_im[k] = si;
  }
}
