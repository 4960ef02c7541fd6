#include <cstddef>
#include <vector>

void trailing_window_sums(const std::vector<long>& v, std::vector<long>& out) {
    const std::size_t w = 512;
    long s = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        s += v[i];
        if (i >= w) s -= v[i - w];  // slide: drop the value that left the window
        out[i] = s;
    }
}
