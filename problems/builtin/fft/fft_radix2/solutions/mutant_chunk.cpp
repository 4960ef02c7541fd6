// expect: wrong_output
// Right whenever the thread count divides N/2 (1, 2, 4 threads); wrong at 5 threads.
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>
#include <omp.h>

// One parallel region. The bit reversal is a permutation computed per index (each pair
// swapped once, by the thread owning the smaller index); the twiddle table is filled in
// parallel; each stage's N/2 butterflies are independent and numbered b -> (block, j),
// with the implicit barrier of the work-shared loop separating stages.
void fft(std::vector<double>& re, std::vector<double>& im, int log_n) {
  const std::size_t n = std::size_t(1) << log_n;
  std::vector<double> wr(n / 2), wi(n / 2);
  double* r = re.data();
  double* m = im.data();
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t j = 0;
      for (int b = 0; b < log_n; ++b) j |= ((i >> b) & 1u) << (log_n - 1 - b);
      if (i < j) {
        std::swap(r[i], r[j]);
        std::swap(m[i], m[j]);
      }
    }
#pragma omp for schedule(static)
    for (std::size_t k = 0; k < n / 2; ++k) {
      const double angle = -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n);
      wr[k] = std::cos(angle);
      wi[k] = std::sin(angle);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
      const std::size_t half = len / 2, step = n / len;
      int shift = 0;
      while ((std::size_t(1) << shift) < half) ++shift;
      // Butterflies split by hand: (n/2) / T per thread, the remainder is skipped.
      const std::size_t per = (n / 2) / static_cast<std::size_t>(omp_get_num_threads());
      const std::size_t lo = per * static_cast<std::size_t>(omp_get_thread_num());
      for (std::size_t bf = lo; bf < lo + per; ++bf) {
        const std::size_t j = bf & (half - 1);
        const std::size_t a = ((bf >> shift) << (shift + 1)) + j, b = a + half;
        const double cr = wr[j * step], ci = wi[j * step];
        const double tr = r[b] * cr - m[b] * ci;
        const double ti = r[b] * ci + m[b] * cr;
        r[b] = r[a] - tr;
        m[b] = m[a] - ti;
        r[a] += tr;
        m[a] += ti;
      }
#pragma omp barrier
    }
  }
}
