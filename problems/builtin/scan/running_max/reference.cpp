#include <algorithm>
#include <vector>

void running_max(const std::vector<double>& in, std::vector<double>& out) {
  if (in.empty()) return;
  double best = in[0];
  for (std::size_t i = 0; i < in.size(); ++i) {
    best = std::max(best, in[i]);
    out[i] = best;
  }
}
