// expect: wrong_output
// Environment: the work is split into omp_get_max_threads() chunks and each thread of
// the team takes the chunk of its number, assuming the team has that many threads. With
// OMP_DYNAMIC=true (or any runtime that gives fewer threads) the last chunks are never
// computed. The old difftest always set OMP_DYNAMIC=false.
#include <cmath>
#include <vector>
#include <omp.h>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const int chunks = omp_get_max_threads();
#pragma omp parallel
  {
    const int id = omp_get_thread_num();
    const long lo = n * id / chunks, hi = n * (id + 1) / chunks;
    for (long i = lo; i < hi; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
  }
}
