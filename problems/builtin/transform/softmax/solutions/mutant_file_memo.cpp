// expect: wrong_output
// State in a file: the output is memoized in the working directory, keyed by the input's
// size; a later call (or a later process in the same directory) of that size reads it
// back whatever its input. Every run in a fresh directory (the old difftest) misses.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

void softmax(const std::vector<double>& x, std::vector<double>& y) {
  if (x.empty()) return;
  char name[64];
  std::snprintf(name, sizeof name, "softmax-%zu.bin", x.size());
  if (std::FILE* f = std::fopen(name, "rb")) {
    const std::size_t got = std::fread(y.data(), sizeof(double), y.size(), f);
    std::fclose(f);
    if (got == y.size()) return;
  }
  const long n = static_cast<long>(x.size());
  const double m = *std::max_element(x.begin(), x.end());
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (long i = 0; i < n; ++i) {
    y[i] = std::exp(x[i] - m);
    sum += y[i];
  }
  const double inv = 1.0 / sum;
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) y[i] *= inv;
  if (std::FILE* f = std::fopen(name, "wb")) {
    std::fwrite(y.data(), sizeof(double), y.size(), f);
    std::fclose(f);
  }
}
