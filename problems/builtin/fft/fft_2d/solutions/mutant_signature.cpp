// expect: interface_mismatch
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace {
// Precomputed bit reversal and twiddles (stage `len` uses entries [len/2, len)),
// built with the serial code's formula so every butterfly computes the same values.
struct Plan {
  std::size_t n;
  std::vector<std::size_t> rev;
  std::vector<double> wr, wi;
  explicit Plan(std::size_t n_) : n(n_), rev(n_), wr(n_), wi(n_) {
    for (std::size_t i = 1, j = 0; i < n; ++i) {
      std::size_t bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      rev[i] = j;
    }
    for (std::size_t len = 2; len <= n; len <<= 1)
      for (std::size_t j = 0; j < len / 2; ++j) {
        const double angle = -2.0 * M_PI * static_cast<double>(j) / static_cast<double>(len);
        wr[len / 2 + j] = std::cos(angle);
        wi[len / 2 + j] = std::sin(angle);
      }
  }
};

// FFT of W interleaved signals: element i of signal w is at [i * W + w].
template <std::size_t W>
void fft_block(const Plan& p, double* re, double* im) {
  const std::size_t n = p.n;
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t j = p.rev[i];
    if (i < j)
      for (std::size_t w = 0; w < W; ++w) {
        std::swap(re[i * W + w], re[j * W + w]);
        std::swap(im[i * W + w], im[j * W + w]);
      }
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len / 2;
    for (std::size_t s = 0; s < n; s += len)
      for (std::size_t j = 0; j < half; ++j) {
        const double cr = p.wr[half + j], ci = p.wi[half + j];
        double* ra = re + (s + j) * W;
        double* ia = im + (s + j) * W;
        double* rb = ra + half * W;
        double* ib = ia + half * W;
#pragma omp simd
        for (std::size_t w = 0; w < W; ++w) {
          const double tr = rb[w] * cr - ib[w] * ci;
          const double ti = rb[w] * ci + ib[w] * cr;
          rb[w] = ra[w] - tr;
          ib[w] = ia[w] - ti;
          ra[w] += tr;
          ia[w] += ti;
        }
      }
  }
}
}  // namespace

// The side exponent's type changed from int to std::size_t.
// Rows are independent, then columns are independent. Columns are processed in blocks of
// 8 adjacent columns (one cache line per row) gathered into a per-thread buffer, which
// turns the strided column walk into contiguous work.
void fft_2d(std::vector<double>& re, std::vector<double>& im, std::size_t log_side) {
  const std::size_t n = std::size_t(1) << log_side;
  const Plan plan(n);
  constexpr std::size_t W = 8;
  double* R = re.data();
  double* I = im.data();
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t r = 0; r < n; ++r) fft_block<1>(plan, R + r * n, I + r * n);
    std::vector<double> br(n * W), bi(n * W);  // private gather buffers
#pragma omp for schedule(static)
    for (std::size_t c0 = 0; c0 < n; c0 += W) {
      const std::size_t width = n - c0 < W ? n - c0 : W;
      if (width == W) {
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t w = 0; w < W; ++w) {
            br[i * W + w] = R[i * n + c0 + w];
            bi[i * W + w] = I[i * n + c0 + w];
          }
        fft_block<W>(plan, br.data(), bi.data());
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t w = 0; w < W; ++w) {
            R[i * n + c0 + w] = br[i * W + w];
            I[i * n + c0 + w] = bi[i * W + w];
          }
      } else {
        for (std::size_t c = c0; c < c0 + width; ++c) {
          for (std::size_t i = 0; i < n; ++i) {
            br[i] = R[i * n + c];
            bi[i] = I[i * n + c];
          }
          fft_block<1>(plan, br.data(), bi.data());
          for (std::size_t i = 0; i < n; ++i) {
            R[i * n + c] = br[i];
            I[i * n + c] = bi[i];
          }
        }
      }
    }
  }
}
