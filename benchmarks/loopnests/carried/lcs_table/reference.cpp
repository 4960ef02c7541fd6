#include <algorithm>
#include <vector>

void lcs_table(const int* __restrict__ a, const int* __restrict__ b, int* __restrict__ dp, int n) {
  const int w = n + 1;
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j)
      dp[i * w + j] = a[i - 1] == b[j - 1] ? dp[(i - 1) * w + j - 1] + 1
                                           : std::max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
}
