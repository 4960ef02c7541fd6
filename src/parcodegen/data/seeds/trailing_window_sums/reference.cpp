#include <cstddef>
#include <vector>

void trailing_window_sums(const std::vector<long>& v, std::vector<long>& out) {
    const std::size_t w = 512;
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::size_t lo = i + 1 >= w ? i + 1 - w : 0;
        long s = 0;
        for (std::size_t k = lo; k <= i; ++k) s += v[k];
        out[i] = s;
    }
}
