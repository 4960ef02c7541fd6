// expect: wrong_output
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

// The parallel arg-max forgets to skip the DC term (k = 0), which dominates for a
// signal with a non-zero mean.
std::int64_t dominant_frequency(const std::vector<double>& signal, std::vector<double>& power) {
  const std::size_t n = signal.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
  const std::size_t kmax = n < 2 ? n : n / 2 + 1;
  std::int64_t best = -1;
#pragma omp parallel
  {
    std::int64_t my_best = -1;
#pragma omp for schedule(static)
    for (std::size_t k = 0; k < kmax; ++k) {
      double sr = 0.0, si = 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        const double angle = w * static_cast<double>((j * k) % n);
        sr += signal[j] * std::cos(angle);
        si += signal[j] * std::sin(angle);
      }
      power[k] = sr * sr + si * si;
      if (my_best < 0 || power[k] > power[my_best]) my_best = static_cast<std::int64_t>(k);
    }
#pragma omp critical
    if (my_best >= 0 && (best < 0 || power[my_best] > power[best] ||
                         (power[my_best] == power[best] && my_best < best)))
      best = my_best;
  }
  return n < 2 ? 0 : best;
}
