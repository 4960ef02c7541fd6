#include <vector>

long find_first(const std::vector<long>& v, long key) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == key) return static_cast<long>(i);
  }
  return -1;
}
