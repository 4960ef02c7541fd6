// expect: wrong_output
// The expert's transform with flush-to-zero and denormals-are-zero turned on in every
// thread of its team (the DSP speed trick: arithmetic on subnormals is slow), and the
// caller's MXCSR saved before the region and put back after it, as a careful library
// does. Put back on the calling thread only: the team's other threads are libgomp's pool
// threads, which keep FTZ/DAZ and run the caller's next parallel regions, whose subnormal
// results then become 0 everywhere but on the caller's own thread. The transform's own
// results stay within the tolerance; what it leaves behind does not.
#include <cmath>
#include <cstddef>
#include <vector>
#include <xmmintrin.h>

void dft(const std::vector<double>& re, const std::vector<double>& im, std::vector<double>& out_re,
         std::vector<double>& out_im) {
  const std::size_t n = re.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
  std::vector<double> cs(n), sn(n);
  const unsigned caller_csr = _mm_getcsr();
#pragma omp parallel
  {
    _mm_setcsr(caller_csr | 0x8040u);  // flush-to-zero, denormals-are-zero
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
  _mm_setcsr(caller_csr);  // the caller's mode as it was
}
