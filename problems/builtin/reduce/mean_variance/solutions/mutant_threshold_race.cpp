// expect: race|wrong_output
// Races that need another size: the loops go parallel only above 20000 elements, and the
// sums there are shared (no reduction). The old race step ran at the largest test size
// (4099), where the code is serial.
#include <vector>

void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  if (x.empty()) {
    mean = 0.0;
    var = 0.0;
    return;
  }
  const long n = static_cast<long>(x.size());
  double sum = 0.0;
#pragma omp parallel for if (n > 20000) schedule(static)
  for (long i = 0; i < n; ++i) sum += x[i];
  mean = sum / static_cast<double>(n);
  double squares = 0.0;
#pragma omp parallel for if (n > 20000) schedule(static)
  for (long i = 0; i < n; ++i) squares += (x[i] - mean) * (x[i] - mean);
  var = squares / static_cast<double>(n);
}
