#include <algorithm>
#include <numeric>
#include <vector>

void argsort(const std::vector<double>& x, std::vector<long>& idx) {
  std::iota(idx.begin(), idx.end(), 0L);
  std::stable_sort(idx.begin(), idx.end(), [&](long a, long b) { return x[a] < x[b]; });
}
