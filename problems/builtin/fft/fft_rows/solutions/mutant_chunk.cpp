// expect: wrong_output
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>
#include <omp.h>

namespace {
constexpr std::size_t kLen = 256;

void fft256(double* re, double* im) {
  for (std::size_t i = 1, j = 0; i < kLen; ++i) {
    std::size_t bit = kLen >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  for (std::size_t len = 2; len <= kLen; len <<= 1) {
    const std::size_t half = len / 2;
    for (std::size_t j = 0; j < half; ++j) {
      const double angle = -2.0 * M_PI * static_cast<double>(j) / static_cast<double>(len);
      const double cr = std::cos(angle), ci = std::sin(angle);
      for (std::size_t a = j; a < kLen; a += len) {
        const std::size_t b = a + half;
        const double tr = re[b] * cr - im[b] * ci;
        const double ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}
}  // namespace

void fft_rows(std::vector<double>& re, std::vector<double>& im, std::size_t rows) {
  // Rows split by hand: rows / T per thread, the remainder rows are left untransformed.
#pragma omp parallel
  {
    const std::size_t per = rows / static_cast<std::size_t>(omp_get_num_threads());
    const std::size_t lo = per * static_cast<std::size_t>(omp_get_thread_num());
    for (std::size_t r = lo; r < lo + per; ++r) fft256(&re[r * kLen], &im[r * kLen]);
  }
}
