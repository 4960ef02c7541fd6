// expect: race|wrong_output
// No OpenMP: a serial rewrite that avoids allocating the twiddle table on every call.
// Small transforms keep it on the stack; above 512 points one heap table is kept in
// a static and grown on demand. Two threads of a caller transforming large signals at
// once fill and read the same table. The test sizes stop at 300, so only calls above
// the literal the code compares n with reach it.
#include <cmath>
#include <cstddef>
#include <vector>

void dft(const std::vector<double>& re, const std::vector<double>& im, std::vector<double>& out_re,
         std::vector<double>& out_im) {
  const std::size_t n = re.size();
  if (n == 0) return;
  double stack_cs[512], stack_sn[512];
  static std::vector<double> table;  // cos then sin, grown on demand
  double* cs = stack_cs;
  double* sn = stack_sn;
  if (n > 512) {
    if (table.size() < 2 * n) table.resize(2 * n);
    cs = table.data();
    sn = table.data() + n;
  }
  const double w = -2.0 * M_PI / static_cast<double>(n);
  for (std::size_t m = 0; m < n; ++m) {
    cs[m] = std::cos(w * static_cast<double>(m));
    sn[m] = std::sin(w * static_cast<double>(m));
  }
  for (std::size_t k = 0; k < n; ++k) {
    double sr = 0.0, si = 0.0;
    std::size_t m = 0;
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
