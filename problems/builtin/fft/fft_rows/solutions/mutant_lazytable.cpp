// expect: race|wrong_output
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

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
  // Twiddles cached in a table filled on first use. The first-use check is not
  // synchronized: threads fill it concurrently (same values) or read it while another
  // thread writes it.
  static double wr[kLen], wi[kLen];
  static bool ready = false;
  if (!ready) {
    for (std::size_t len = 2; len <= kLen; len <<= 1) {
      for (std::size_t j = 0; j < len / 2; ++j) {
        const double angle = -2.0 * M_PI * static_cast<double>(j) / static_cast<double>(len);
        wr[len / 2 + j] = std::cos(angle);
        wi[len / 2 + j] = std::sin(angle);
      }
    }
    ready = true;
  }
  for (std::size_t len = 2; len <= kLen; len <<= 1) {
    const std::size_t half = len / 2;
    for (std::size_t j = 0; j < half; ++j) {
      const double cr = wr[half + j], ci = wi[half + j];
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
#pragma omp parallel for schedule(static)
  for (std::size_t r = 0; r < rows; ++r) fft256(&re[r * kLen], &im[r * kLen]);
}
