#include <cmath>
#include <cstddef>
#include <vector>

void lattice_potential(const std::vector<double>& q, std::vector<double>& phi) {
    const std::size_t nz = phi.size() / 64;
    for (std::size_t ix = 0; ix < 8; ++ix) {
        for (std::size_t iy = 0; iy < 8; ++iy) {
            for (std::size_t iz = 0; iz < nz; ++iz) {
                double s = 0.0;
                for (int k = 0; k < 16; ++k) {
                    double dx = ix - (k % 4) * 2.0, dy = iy - (k / 4) * 2.0;
                    double dz = iz * 0.01 - 0.5 * k;
                    s += q[k] / std::sqrt(dx * dx + dy * dy + dz * dz + 0.01);
                }
                phi[(ix * 8 + iy) * nz + iz] = s;
            }
        }
    }
}
