// expect: race
#include <cstddef>
#include <limits>
#include <omp.h>
#include <vector>

// Each thread keeps its running minimum in a slot chosen at run time: its own for short
// inputs, one shared best for long ones (the writer wanted threads to prune with each
// other's finds). The shared best is updated in a critical section but read outside it:
// the same instructions at every size, and a race only when the slot is shared.
double closest_pair(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2) return -1.0;
  const std::size_t shared_from = static_cast<std::size_t>(omp_get_max_threads()) * 1024;
  double shared_best = std::numeric_limits<double>::infinity();
  double best = shared_best;
#pragma omp parallel reduction(min : best)
  {
    double mine = std::numeric_limits<double>::infinity();
    double* slot = n > shared_from ? &shared_best : &mine;
#pragma omp for schedule(dynamic, 32)
    for (std::size_t i = 0; i < n - 1; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        const double dx = x[i] - x[j], dy = y[i] - y[j];
        const double d = dx * dx + dy * dy;
        if (d < *slot) {
#pragma omp critical
          if (d < *slot) *slot = d;
        }
      }
    }
    best = *slot;
  }
  return best;
}
