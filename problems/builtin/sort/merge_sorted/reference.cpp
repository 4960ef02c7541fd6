#include <algorithm>
#include <vector>

void merge_sorted(const std::vector<long>& a, const std::vector<long>& b, std::vector<long>& out) {
  std::merge(a.begin(), a.end(), b.begin(), b.end(), out.begin());
}
