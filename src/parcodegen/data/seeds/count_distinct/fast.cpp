#include <algorithm>
#include <cstddef>
#include <vector>

long count_distinct(const std::vector<int>& v) {
    if (v.empty()) return 0;
    std::vector<int> s(v);
    std::sort(s.begin(), s.end());
    long distinct = 1;
    for (std::size_t i = 1; i < s.size(); ++i) distinct += s[i] != s[i - 1];
    return distinct;
}
