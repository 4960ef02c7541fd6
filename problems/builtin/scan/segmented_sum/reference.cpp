#include <vector>

void segmented_sum(const std::vector<long>& v, const std::vector<int>& flags,
                   std::vector<long>& out) {
  long running = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    running = flags[i] ? v[i] : running + v[i];
    out[i] = running;
  }
}
