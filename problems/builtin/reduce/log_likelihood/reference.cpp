#include <cmath>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  double total = 0.0;
  for (double v : p) total += std::log(v);
  return total;
}
