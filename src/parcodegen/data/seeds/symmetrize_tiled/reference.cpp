#include <cstddef>
#include <vector>

void symmetrize_tiled(const std::vector<double>& a, std::vector<double>& s) {
    std::size_t n = 0;
    while ((n + 1) * (n + 1) <= a.size()) ++n;
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t i = 0; i < n; ++i) s[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
}
