#include <cmath>
#include <cstddef>
#include <vector>

void sobel_magnitude(const std::vector<float>& img, std::vector<float>& mag) {
    long n = 0;
    while (static_cast<std::size_t>((n + 1) * (n + 1)) <= img.size()) ++n;
    #pragma omp parallel for schedule(static)
    for (long r = 0; r < n; ++r) {
        for (long c = 0; c < n; ++c) {
            if (r == 0 || c == 0 || r == n - 1 || c == n - 1) {
                mag[r * n + c] = 0.0f;
                continue;
            }
            auto p = [&](long rr, long cc) { return img[rr * n + cc]; };
            float gx = -p(r - 1, c - 1) - 2 * p(r, c - 1) - p(r + 1, c - 1)
                       + p(r - 1, c + 1) + 2 * p(r, c + 1) + p(r + 1, c + 1);
            float gy = -p(r - 1, c - 1) - 2 * p(r - 1, c) - p(r - 1, c + 1)
                       + p(r + 1, c - 1) + 2 * p(r + 1, c) + p(r + 1, c + 1);
            mag[r * n + c] = std::sqrt(gx * gx + gy * gy);
        }
    }
}
