#include <cstddef>
#include <vector>

void band_energy(const std::vector<float>& spec, std::vector<float>& energy) {
    const long frames = static_cast<long>(spec.size() / 48);
    const int lo[3] = {0, 8, 24};
    const int hi[3] = {8, 24, 48};
    #pragma omp parallel for collapse(2) schedule(static)
    for (int band = 0; band < 3; ++band) {
        for (long f = 0; f < frames; ++f) {
            float e = 0.0f;
            for (int k = lo[band]; k < hi[band]; ++k) e += spec[f * 48 + k] * spec[f * 48 + k];
            energy[band * frames + f] = e;
        }
    }
}
