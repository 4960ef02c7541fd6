// expect: race
#include <cmath>
#include <cstddef>
#include <vector>

// Every thread fills the whole twiddle table (no work-sharing on that loop): the
// values are identical, but the writes of different threads race.
void dft(const std::vector<double>& re, const std::vector<double>& im, std::vector<double>& out_re,
         std::vector<double>& out_im) {
  const std::size_t n = re.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
  std::vector<double> cs(n), sn(n);
#pragma omp parallel
  {
    for (std::size_t m = 0; m < n; ++m) {
      const double angle = w * static_cast<double>(m);
      cs[m] = std::cos(angle);
      sn[m] = std::sin(angle);
    }
#pragma omp barrier
#pragma omp for schedule(static)
    for (std::size_t k = 0; k < n; ++k) {
      double sr = 0.0, si = 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t m = (j * k) % n;
        sr += re[j] * cs[m] - im[j] * sn[m];
        si += re[j] * sn[m] + im[j] * cs[m];
      }
      out_re[k] = sr;
      out_im[k] = si;
    }
  }
}
