#include <algorithm>
#include <vector>

void sort_ints(std::vector<int>& v) { std::sort(v.begin(), v.end()); }
