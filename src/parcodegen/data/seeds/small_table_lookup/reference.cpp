#include <cstddef>
#include <vector>

long small_table_lookup(const std::vector<int>& codes) {
    static const int table[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
    long s = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) s += table[codes[i]];
    return s;
}
