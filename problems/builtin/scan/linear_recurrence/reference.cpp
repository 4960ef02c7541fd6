#include <vector>

void linear_recurrence(const std::vector<double>& a, const std::vector<double>& b,
                       std::vector<double>& y) {
  double prev = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    prev = a[i] * prev + b[i];
    y[i] = prev;
  }
}
