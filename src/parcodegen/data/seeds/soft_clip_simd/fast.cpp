#include <cstddef>
#include <vector>

void soft_clip_simd(const std::vector<float>& x, float gain, std::vector<float>& y) {
    const long n = static_cast<long>(x.size());
    const float* __restrict in = x.data();
    float* __restrict out = y.data();
    #pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; ++i) {
        float v = gain * in[i] + 0.1f;
        v = v > 1.0f ? 1.0f : v;
        v = v < -1.0f ? -1.0f : v;
        out[i] = v - v * v * v / 3.0f;
    }
}
