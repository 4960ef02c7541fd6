#include <vector>

void prefix_sum(const std::vector<long>& in, std::vector<long>& out) {
  long running = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    running += in[i];
    out[i] = running;
  }
}
