// expect: race
// Copies the diagonal first "to get it out of the way", but inside the
// parallel region without a worksharing loop, so every thread writes every
// diagonal element (the same values), racing with the other threads.
#include <vector>

void transpose(const std::vector<double>& a, std::vector<double>& b, int n) {
#pragma omp parallel
  {
    for (int i = 0; i < n; ++i) b[static_cast<std::size_t>(i) * n + i] = a[static_cast<std::size_t>(i) * n + i];
#pragma omp for schedule(static)
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (i != j) b[static_cast<std::size_t>(j) * n + i] = a[static_cast<std::size_t>(i) * n + j];
      }
    }
  }
}
