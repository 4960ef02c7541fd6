// expect: wrong_output|race
// Corrupts results on most runs at larger sizes; when the threads happen not to
// overlap the race detector still reports the shared buffer.
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace {
// Radix-2 FFT of n = 2^k points with the given element stride.
void fft_strided(double* re, double* im, std::size_t n, std::size_t stride) {
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      std::swap(re[i * stride], re[j * stride]);
      std::swap(im[i * stride], im[j * stride]);
    }
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len / 2;
    for (std::size_t j = 0; j < half; ++j) {
      const double angle = -2.0 * M_PI * static_cast<double>(j) / static_cast<double>(len);
      const double cr = std::cos(angle), ci = std::sin(angle);
      for (std::size_t a = j; a < n; a += len) {
        const std::size_t pa = a * stride, pb = (a + half) * stride;
        const double tr = re[pb] * cr - im[pb] * ci;
        const double ti = re[pb] * ci + im[pb] * cr;
        re[pb] = re[pa] - tr;
        im[pb] = im[pa] - ti;
        re[pa] += tr;
        im[pa] += ti;
      }
    }
  }
}
}  // namespace

// Columns are copied into a contiguous scratch buffer first, but the buffer is shared
// by the whole team: threads overwrite each other's column.
void fft_2d(std::vector<double>& re, std::vector<double>& im, int log_side) {
  const std::size_t n = std::size_t(1) << log_side;
  std::vector<double> col_re(n), col_im(n);
#pragma omp parallel for schedule(static)
  for (std::size_t r = 0; r < n; ++r) fft_strided(&re[r * n], &im[r * n], n, 1);
#pragma omp parallel for schedule(static)
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t i = 0; i < n; ++i) {
      col_re[i] = re[i * n + c];
      col_im[i] = im[i * n + c];
    }
    fft_strided(col_re.data(), col_im.data(), n, 1);
    for (std::size_t i = 0; i < n; ++i) {
      re[i * n + c] = col_re[i];
      im[i * n + c] = col_im[i];
    }
  }
}
