#include <cstddef>
#include <vector>

long count_distinct(const std::vector<int>& v) {
    long distinct = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        bool seen = false;
        for (std::size_t j = 0; j < i; ++j)
            if (v[j] == v[i]) { seen = true; break; }
        if (!seen) ++distinct;
    }
    return distinct;
}
