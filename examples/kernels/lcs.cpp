// Length of the longest common subsequence (dynamic programming over an (n+1) x (m+1) table).
#include <algorithm>
#include <vector>
int lcs(const std::vector<int>& a, const std::vector<int>& b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<int> dp((n + 1) * (m + 1), 0);
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j)
            dp[i * (m + 1) + j] = a[i - 1] == b[j - 1] ? dp[(i - 1) * (m + 1) + j - 1] + 1
                                  : std::max(dp[(i - 1) * (m + 1) + j], dp[i * (m + 1) + j - 1]);
    return dp[n * (m + 1) + m];
}
