#include <vector>

void mean_variance(const std::vector<double>& x, double& mean, double& var) {
  if (x.empty()) {
    mean = 0.0;
    var = 0.0;
    return;
  }
  double sum = 0.0;
  for (double v : x) sum += v;
  mean = sum / static_cast<double>(x.size());
  double squares = 0.0;
  for (double v : x) {
    const double d = v - mean;
    squares += d * d;
  }
  var = squares / static_cast<double>(x.size());
}
