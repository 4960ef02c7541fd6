// expect: wrong_output
// The tiled wavefront of the expert, with flush-to-zero and denormals-are-zero turned on
// in every thread of the team (a common speed trick) and never turned off: the caller's
// own arithmetic after the call (and its next parallel regions) flushes subnormals to 0.
// The sweep's own results stay within the tolerance; what it leaves behind does not.
#include <algorithm>
#include <vector>
#include <xmmintrin.h>

void gauss_seidel(std::vector<double>& u, const std::vector<double>& f, int n, int sweeps) {
  if (n < 3) return;
  const long w = n, m = n - 2;
  const long B = 128;
  const long T = (m + B - 1) / B;
  double* p = u.data();
  const double* q = f.data();
#pragma omp parallel
  {
    _mm_setcsr(_mm_getcsr() | 0x8040u);  // flush-to-zero, denormals-are-zero
    for (int s = 0; s < sweeps; ++s) {
      for (long d = 0; d < 2 * T - 1; ++d) {
        const long first = std::max(0L, d - (T - 1)), last = std::min(d, T - 1);
#pragma omp for schedule(dynamic, 1)
        for (long ti = first; ti <= last; ++ti) {
          const long tj = d - ti;
          const long i0 = 1 + ti * B, i1 = std::min(i0 + B, w - 1);
          const long j0 = 1 + tj * B, j1 = std::min(j0 + B, w - 1);
          for (long i = i0; i < i1; ++i)
            for (long j = j0; j < j1; ++j)
              p[i * w + j] = 0.25 * (p[(i - 1) * w + j] + p[(i + 1) * w + j] + p[i * w + j - 1] +
                                     p[i * w + j + 1] + q[i * w + j]);
        }
      }
    }
  }
}
