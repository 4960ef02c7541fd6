#include <cmath>
#include <cstddef>
#include <vector>

// Output frequencies are independent: the twiddle table is filled in parallel, then the
// frequencies are split across threads; every sum keeps the serial j order.
void dft(const std::vector<double>& re, const std::vector<double>& im, std::vector<double>& out_re,
         std::vector<double>& out_im) {
  const std::size_t n = re.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
  std::vector<double> cs(n), sn(n);
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t m = 0; m < n; ++m) {
      cs[m] = std::cos(w * static_cast<double>(m));
      sn[m] = std::sin(w * static_cast<double>(m));
    }
#pragma omp for schedule(static)
    for (std::size_t k = 0; k < n; ++k) {
      double sr = 0.0, si = 0.0;
      std::size_t m = 0;  // (j * k) mod n, updated incrementally
      for (std::size_t j = 0; j < n; ++j) {
        const double c = cs[m], s = sn[m];
        sr += re[j] * c - im[j] * s;
        si += re[j] * s + im[j] * c;
        m += k;
        if (m >= n) m -= n;
      }
      out_re[k] = sr;
      out_im[k] = si;
    }
  }
}
