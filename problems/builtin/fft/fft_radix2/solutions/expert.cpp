#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace {
// One butterfly of stage `half` (pair a, a + half) with twiddle index j * step.
inline void butterfly(double* r, double* m, const double* wr, const double* wi, std::size_t a,
                      std::size_t half, std::size_t tw) {
  const std::size_t b = a + half;
  const double cr = wr[tw], ci = wi[tw];
  const double tr = r[b] * cr - m[b] * ci;
  const double ti = r[b] * ci + m[b] * cr;
  r[b] = r[a] - tr;
  m[b] = m[a] - ti;
  r[a] += tr;
  m[a] += ti;
}
}  // namespace

// One parallel region, three phases, each doing exactly the serial butterflies:
// 1. Bit reversal: rev(i) from two small tables (low and high bit halves); each pair is
//    swapped once, by the thread owning the smaller index. The twiddle table is filled
//    in parallel too.
// 2. The early stages (len <= B) only combine elements within aligned blocks of B points:
//    each thread runs all of those stages on its blocks while they sit in cache.
// 3. The late stages (len > B): the N/2 butterflies of a stage are independent, numbered
//    bf -> (group, j); the implicit barrier of the work-shared loop separates stages.
void fft(std::vector<double>& re, std::vector<double>& im, int log_n) {
  const std::size_t n = std::size_t(1) << log_n;
  const int lo_bits = log_n / 2, hi_bits = log_n - lo_bits;
  std::vector<std::size_t> rev_lo(std::size_t(1) << lo_bits), rev_hi(std::size_t(1) << hi_bits);
  for (std::size_t i = 0; i < rev_lo.size(); ++i) {
    std::size_t j = 0;
    for (int b = 0; b < lo_bits; ++b) j |= ((i >> b) & 1u) << (lo_bits - 1 - b);
    rev_lo[i] = j;
  }
  for (std::size_t i = 0; i < rev_hi.size(); ++i) {
    std::size_t j = 0;
    for (int b = 0; b < hi_bits; ++b) j |= ((i >> b) & 1u) << (hi_bits - 1 - b);
    rev_hi[i] = j;
  }
  const std::size_t lo_mask = rev_lo.size() - 1;
  std::vector<double> wr(n / 2), wi(n / 2);
  double* r = re.data();
  double* m = im.data();
  const std::size_t block = n < 4096 ? n : 4096;
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < n; ++i) {
      // i = hi * 2^lo_bits + lo  ->  rev(i) = rev_lo(lo) * 2^hi_bits + rev_hi(hi)
      const std::size_t j = (rev_lo[i & lo_mask] << hi_bits) | rev_hi[i >> lo_bits];
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
#pragma omp for schedule(static)
    for (std::size_t start = 0; start < n; start += block) {
      for (std::size_t len = 2; len <= block; len <<= 1) {
        const std::size_t half = len / 2, step = n / len;
        for (std::size_t s = start; s < start + block; s += len)
          for (std::size_t j = 0; j < half; ++j) butterfly(r, m, wr.data(), wi.data(), s + j, half, j * step);
      }
    }
    for (std::size_t len = block * 2; len <= n; len <<= 1) {
      const std::size_t half = len / 2, step = n / len;
#pragma omp for schedule(static)
      for (std::size_t bf = 0; bf < n / 2; ++bf) {
        const std::size_t j = bf % half;
        const std::size_t a = (bf / half) * len + j;
        butterfly(r, m, wr.data(), wi.data(), a, half, j * step);
      }
    }
  }
}
