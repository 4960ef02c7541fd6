#include <algorithm>
#include <vector>

long long max_subarray(const std::vector<int>& a) {
  if (a.empty()) return 0;
  long long best = a[0];
  long long ending_here = a[0];
  for (std::size_t i = 1; i < a.size(); ++i) {
    ending_here = std::max<long long>(a[i], ending_here + a[i]);
    best = std::max(best, ending_here);
  }
  return best;
}
