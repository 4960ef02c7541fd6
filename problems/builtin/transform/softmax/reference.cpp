#include <algorithm>
#include <cmath>
#include <vector>

void softmax(const std::vector<double>& x, std::vector<double>& y) {
  if (x.empty()) return;
  const double m = *std::max_element(x.begin(), x.end());
  double sum = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    y[i] = std::exp(x[i] - m);
    sum += y[i];
  }
  for (std::size_t i = 0; i < x.size(); ++i) y[i] /= sum;
}
