#include <cstddef>
#include <unordered_map>
#include <vector>

long pair_sum_count(const std::vector<int>& v, int target) {
    std::unordered_map<int, long> seen;  // value -> how many times seen so far
    seen.reserve(v.size() * 2);
    long count = 0;
    for (int x : v) {
        auto it = seen.find(target - x);
        if (it != seen.end()) count += it->second;
        ++seen[x];
    }
    return count;
}
