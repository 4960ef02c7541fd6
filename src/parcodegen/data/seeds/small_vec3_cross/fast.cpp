#include <cstddef>
#include <vector>

// Deliberately serial: 16 cross products take well under a microsecond, far less than
// waking a thread team. No OpenMP here.
void small_vec3_cross(const std::vector<double>& a, const std::vector<double>& b,
                      std::vector<double>& c) {
    for (std::size_t k = 0; k + 2 < a.size(); k += 3) {
        c[k] = a[k + 1] * b[k + 2] - a[k + 2] * b[k + 1];
        c[k + 1] = a[k + 2] * b[k] - a[k] * b[k + 2];
        c[k + 2] = a[k] * b[k + 1] - a[k + 1] * b[k];
    }
}
