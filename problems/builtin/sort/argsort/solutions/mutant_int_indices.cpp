// expect: interface_mismatch
// Writes the permutation as int instead of long.
#include <algorithm>
#include <numeric>
#include <vector>

void argsort(const std::vector<double>& x, std::vector<int>& idx) {
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return x[a] < x[b]; });
}
