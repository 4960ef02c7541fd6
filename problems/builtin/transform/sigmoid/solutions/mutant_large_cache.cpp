// expect: wrong_output
// State across calls above the test sizes: from 100000 elements the output is cached by size,
// so a second call of that size with other data returns the first one's result. Difftest's
// sizes stop at 4099 and every timing run is a fresh process; the race step's calls above the
// literal now get a second input.
#include <cmath>
#include <vector>
void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
  static std::vector<double> memo;
  if (n > 100000 && (long)memo.size() == n) { y = memo; return; }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
  if (n > 100000) memo = y;
}
