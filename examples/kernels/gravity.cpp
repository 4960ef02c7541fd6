// Gravitational potential at every particle from all the others (O(n^2)).
#include <cmath>
struct Particle {
    double x, y, z;
    double mass;
};
void gravity(int n, const Particle* p, double* phi) {
    for (int i = 0; i < n; ++i) {
        double s = 0.0;
        for (int j = 0; j < n; ++j) {
            if (j == i) continue;
            const double dx = p[i].x - p[j].x, dy = p[i].y - p[j].y, dz = p[i].z - p[j].z;
            s -= p[j].mass / std::sqrt(dx * dx + dy * dy + dz * dz + 1e-3);
        }
        phi[i] = s;
    }
}
