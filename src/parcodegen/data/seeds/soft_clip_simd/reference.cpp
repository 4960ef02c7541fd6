#include <cstddef>
#include <vector>

void soft_clip_simd(const std::vector<float>& x, float gain, std::vector<float>& y) {
    for (std::size_t i = 0; i < x.size(); ++i) {
        float v = gain * x[i] + 0.1f;
        if (v > 1.0f) v = 1.0f;
        if (v < -1.0f) v = -1.0f;
        y[i] = v - v * v * v / 3.0f;
    }
}
