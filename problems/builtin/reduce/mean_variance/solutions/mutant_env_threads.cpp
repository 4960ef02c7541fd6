// expect: crash
// Environment: the thread count is read from OMP_NUM_THREADS with atoi(getenv(...)),
// which crashes when the variable is not set (as in most users' shells; the old
// difftest always set it).
#include <cstdlib>
#include <vector>
#include <omp.h>

void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  if (x.empty()) {
    mean = 0.0;
    var = 0.0;
    return;
  }
  const int t = std::atoi(std::getenv("OMP_NUM_THREADS"));
  const long n = static_cast<long>(x.size());
  double sum = 0.0;
#pragma omp parallel for num_threads(t) reduction(+ : sum) schedule(static)
  for (long i = 0; i < n; ++i) sum += x[i];
  mean = sum / static_cast<double>(n);
  double squares = 0.0;
#pragma omp parallel for num_threads(t) reduction(+ : squares) schedule(static)
  for (long i = 0; i < n; ++i) squares += (x[i] - mean) * (x[i] - mean);
  var = squares / static_cast<double>(n);
}
