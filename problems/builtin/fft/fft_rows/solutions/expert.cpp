#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace {
constexpr std::size_t kLen = 256;

struct Plan {
  std::size_t rev[kLen];
  double wr[kLen], wi[kLen];  // stage `len` uses entries [len/2, len): angle -2*pi*j/len
  Plan() {
    for (std::size_t i = 0; i < kLen; ++i) {
      std::size_t j = 0;
      for (std::size_t b = 0; b < 8; ++b) j |= ((i >> b) & 1u) << (7 - b);
      rev[i] = j;
    }
    for (std::size_t len = 2; len <= kLen; len <<= 1) {
      for (std::size_t j = 0; j < len / 2; ++j) {
        const double angle = -2.0 * M_PI * static_cast<double>(j) / static_cast<double>(len);
        wr[len / 2 + j] = std::cos(angle);
        wi[len / 2 + j] = std::sin(angle);
      }
    }
  }
};

void fft256(const Plan& p, double* re, double* im) {
  for (std::size_t i = 0; i < kLen; ++i) {
    const std::size_t j = p.rev[i];
    if (i < j) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  for (std::size_t len = 2; len <= kLen; len <<= 1) {
    const std::size_t half = len / 2;
    for (std::size_t s = 0; s < kLen; s += len) {
      for (std::size_t j = 0; j < half; ++j) {
        const double cr = p.wr[half + j], ci = p.wi[half + j];
        const std::size_t a = s + j, b = a + half;
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

// Rows are independent: one plan (bit-reversal and twiddle tables, built once, read-only)
// shared by all threads, rows split statically.
void fft_rows(std::vector<double>& re, std::vector<double>& im, std::size_t rows) {
  const Plan plan;
  double* r = re.data();
  double* m = im.data();
#pragma omp parallel for schedule(static)
  for (std::size_t row = 0; row < rows; ++row) fft256(plan, r + row * kLen, m + row * kLen);
}
