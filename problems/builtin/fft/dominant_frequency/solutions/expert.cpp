#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

// Frequencies are independent (the twiddle table is filled in parallel). The arg-max
// is a reduction on (power, -k) pairs: each thread keeps its best, then
// the team's best is chosen with the serial tie rule (smallest k).
std::int64_t dominant_frequency(const std::vector<double>& signal, std::vector<double>& power) {
  const std::size_t n = signal.size();
  const double w = -2.0 * M_PI / static_cast<double>(n);
  const std::size_t kmax = n < 2 ? n : n / 2 + 1;  // number of frequencies computed
  std::vector<double> cs(n), sn(n);
  std::int64_t best = 0;
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t m = 0; m < n; ++m) {
      cs[m] = std::cos(w * static_cast<double>(m));
      sn[m] = std::sin(w * static_cast<double>(m));
    }
    std::int64_t my_best = 0;
#pragma omp for schedule(dynamic, 16)
    for (std::size_t k = 0; k < kmax; ++k) {
      double sr = 0.0, si = 0.0;
      std::size_t m = 0;
      for (std::size_t j = 0; j < n; ++j) {
        sr += signal[j] * cs[m];
        si += signal[j] * sn[m];
        m += k;
        if (m >= n) m -= n;
      }
      const double p = sr * sr + si * si;
      power[k] = p;
      if (k > 0 && (my_best == 0 || p > power[my_best] || (p == power[my_best] && std::int64_t(k) < my_best)))
        my_best = static_cast<std::int64_t>(k);
    }
#pragma omp critical
    if (my_best != 0 && (best == 0 || power[my_best] > power[best] ||
                         (power[my_best] == power[best] && my_best < best)))
      best = my_best;
  }
  return best;
}
