// expect: wrong_output
#include <cmath>
#include <cstddef>
#include <vector>

// Computes half the spectrum and fills the rest by conjugate symmetry, which only
// holds for real input; this input is complex.
void dft(const std::vector<double>& re, const std::vector<double>& im, std::vector<double>& out_re,
         std::vector<double>& out_im) {
  const std::size_t n = re.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
#pragma omp parallel for schedule(static)
  for (std::size_t k = 0; k <= n / 2; ++k) {
    if (k >= n) continue;
    double sr = 0.0, si = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      const double angle = w * static_cast<double>((j * k) % n);
      const double c = std::cos(angle), s = std::sin(angle);
      sr += re[j] * c - im[j] * s;
      si += re[j] * s + im[j] * c;
    }
    out_re[k] = sr;
    out_im[k] = si;
    if (k > 0 && n - k != k) {
      out_re[n - k] = sr;
      out_im[n - k] = -si;
    }
  }
}
