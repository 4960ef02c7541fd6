#include <algorithm>
#include <cstddef>
#include <vector>

void median5_filter(const std::vector<double>& x, std::vector<double>& y) {
    const std::size_t n = x.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i < 2 || i + 2 >= n) {
            y[i] = x[i];
            continue;
        }
        double w[5] = {x[i - 2], x[i - 1], x[i], x[i + 1], x[i + 2]};
        std::sort(w, w + 5);
        y[i] = w[2];
    }
}
