#include <cmath>
#include <cstddef>
#include <vector>

void rgb_to_luma(const std::vector<float>& r, const std::vector<float>& g,
                 const std::vector<float>& b, std::vector<float>& luma) {
    const long n = static_cast<long>(r.size());
    #pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) {
        float y = 0.2126f * r[i] + 0.7152f * g[i] + 0.0722f * b[i];
        luma[i] = std::pow(y, 1.0f / 2.2f);
    }
}
