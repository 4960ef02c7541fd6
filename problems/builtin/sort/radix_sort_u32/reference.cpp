#include <algorithm>
#include <cstdint>
#include <vector>

void radix_sort_u32(std::vector<uint32_t>& v) { std::sort(v.begin(), v.end()); }
