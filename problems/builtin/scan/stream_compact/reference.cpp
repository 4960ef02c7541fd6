#include <vector>

long stream_compact(const std::vector<double>& in, std::vector<double>& out) {
  std::size_t kept = 0;
  for (double v : in) {
    if (v > 0.0) out[kept++] = v;
  }
  for (std::size_t i = kept; i < out.size(); ++i) out[i] = 0.0;
  return static_cast<long>(kept);
}
